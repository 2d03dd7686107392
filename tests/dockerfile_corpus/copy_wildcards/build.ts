import { build, image, local } from "../../../mod.ts";

const ctx = local(".");
const final = image("busybox")
  .copy(ctx, "*.txt", "/txt/")
  .copy(ctx, "d?r/*.md", "/md/")
  .copy(ctx, "[ab].cfg", "/cfg/");

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
