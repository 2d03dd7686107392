import { build, image } from "../../../mod.ts";

const final = image("busybox")
  .run("grep CapEff /proc/self/status > /caps.txt", { security: "insecure" })
  .run("echo sandboxed > /sandboxed.txt");

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
