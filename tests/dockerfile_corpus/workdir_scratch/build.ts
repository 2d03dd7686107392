import { build, local, scratch } from "../../../mod.ts";

const ctx = local(".");
const final = scratch()
  .workdir("/x")
  .copy(ctx, "hello.txt", ".")
  .workdir("/x/y/z");

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
