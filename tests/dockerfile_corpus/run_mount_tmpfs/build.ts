import { build, image, tmpfs } from "../../../mod.ts";

const final = image("busybox")
  .run("echo t > /scratch/t && cat /scratch/t > /tmpfs-used.txt", { mounts: { "/scratch": tmpfs() } });

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
