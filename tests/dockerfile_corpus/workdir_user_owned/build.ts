import { build, image } from "../../../mod.ts";

const final = image("busybox")
  .user("1234:1234")
  .workdir("/data/owned")
  .user("nobody")
  .workdir("/data/nobody");

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
