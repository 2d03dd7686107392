import { build, image } from "../../../mod.ts";

const buildStage = image("busybox")
  .workdir("/work")
  .run("echo built > out.txt && mkdir -p dist && echo a > dist/a && ln -s a dist/link");
const final = image("busybox")
  .copy(buildStage, "/work/out.txt", "/final/")
  .copy(buildStage, "/work/dist", "/dist");

export const targets = { final, build: buildStage };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
