import { build, image } from "../../../mod.ts";

const final = image("busybox")
  .run(["/bin/sh", "-c", "echo exec > /exec.txt"])
  .run(["touch", "/touched"])
  .config({ cmd: ["cat", "/exec.txt"] });

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
