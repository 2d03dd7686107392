import { build, image } from "../../../mod.ts";

const final = image("busybox")
  .workdir("/app")
  .workdir("src")
  .run("pwd > /pwd.txt")
  .workdir("../lib")
  .run("pwd > here.txt");

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
