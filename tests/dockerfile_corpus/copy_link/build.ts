import { build, image, local } from "../../../mod.ts";

const ctx = local(".");
const final = image("busybox")
  .copy(ctx, "a.txt", "/linked/", { link: true })
  .copy(ctx, "dir", "/linked/dir", { link: true })
  .run("ls -lR /linked > /listing.txt");

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
