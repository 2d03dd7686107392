import { build, cache, image, local } from "../../../mod.ts";

const ctx = local(".");
const final = image("busybox")
  .workdir("/app")
  .run("echo x > cache/x && cat cache/x > from-cache.txt", { mounts: { "cache": cache("/corpus-rel") } })
  .run("cat a-mounted.txt > a-read.txt", {
    mounts: { "a-mounted.txt": { from: ctx, path: "a.txt", readonly: true } },
  });

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
