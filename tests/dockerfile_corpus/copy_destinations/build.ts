import { build, image, local } from "../../../mod.ts";

const ctx = local(".");
const final = image("busybox")
  .workdir("/app")
  .copy(ctx, "deps.txt", ".")
  .copy(ctx, "deps.txt", "./again/")
  .copy(ctx, "a.txt", "/app")
  .copy(ctx, ["a.txt", "b.txt"], "sub/")
  .copy(ctx, "deps.txt", "renamed.txt")
  .copy(ctx, "dir/", "/dirdest/")
  .copy(ctx, "dir", "/dircopy");

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
