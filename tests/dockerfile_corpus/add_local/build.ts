import { build, image, local } from "../../../mod.ts";

const ctx = local(".");
// ADD extracts local tar archives; other files are copied as COPY does.
const final = image("busybox")
  .copy(ctx, "archive.tar", "/extracted/", { unpack: true })
  .copy(ctx, "archive.tar.gz", "/gz/", { unpack: true })
  .copy(ctx, "plain.txt", "/added.txt", { unpack: true })
  .copy(ctx, "archive.tar", "/kept/archive.tar/", { unpack: true });

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
