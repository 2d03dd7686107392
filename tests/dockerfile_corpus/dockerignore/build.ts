import { build, image, local } from "../../../mod.ts";

const ctx = local("."); // .dockerignore applies, as it does for docker build
const final = image("busybox").copy(ctx, ".", "/ctx/");

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
