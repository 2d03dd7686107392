import { build, image } from "../../../mod.ts";

const src = image("busybox")
  .run(
    "mkdir -p /s/dir && echo t > /s/target && ln -s target /s/link && ln -s /s/dir /s/dirlink && echo d > /s/dir/f",
  );
const final = image("busybox")
  .copy(src, "/s/link", "/followed")
  .copy(src, "/s/", "/tree/");

export const targets = { final, src };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
