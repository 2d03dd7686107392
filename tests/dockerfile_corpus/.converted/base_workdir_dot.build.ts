import { build, image, local } from "../../../mod.ts";

// The build context; its .dockerignore applies.
const ctx = local("../base_workdir_dot");

const final = image("drydock-corpus-base:workdir")
  .copy(ctx, "a.txt", ".")
  .run("pwd > here.txt");

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
