import { build, image, local } from "../../../mod.ts";

const ctx = local(".");
const final = image("busybox").copy(ctx, "dir", "/app/", { exclude: ["*.bak", "skip"] });

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
