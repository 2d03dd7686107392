import { build, image } from "../../../mod.ts";

const final = image("busybox")
  .env("A", "1")
  .env("B", "2")
  .env("A", "3")
  .env("PATH", "$PATH:/extra")
  .env("HOME", "/home/x")
  .run('env | sort > /env.txt && echo "$A$B" > /ab.txt');

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
