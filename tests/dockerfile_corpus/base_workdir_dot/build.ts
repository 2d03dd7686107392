import { build, image, local } from "../../../mod.ts";

const ctx = local(".");
// "." is the base image's WORKDIR, /w.
const final = image("drydock-corpus-base:workdir").copy(ctx, "a.txt", ".").run("pwd > here.txt");

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
