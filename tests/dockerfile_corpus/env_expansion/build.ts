import { build, image } from "../../../mod.ts";

const final = image("busybox")
  .env("PATH", "/app/bin:$PATH")
  .env({ A: "1", B: "two" })
  .env({ C: "${A:-x}-${UNSET:-dflt}-${B:+alt}-${UNSET:+no}", D: "$B and ${A}" })
  .env("E", "${PATH}")
  .run('echo "$PATH|$C|$D|$E" > /env.txt');

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
