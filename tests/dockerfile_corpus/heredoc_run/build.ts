import { build, image } from "../../../mod.ts";

const final = image("busybox").run("echo one > /one.txt\necho two > /two.txt\n");

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
