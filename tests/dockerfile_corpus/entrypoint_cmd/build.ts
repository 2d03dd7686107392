import { build, image } from "../../../mod.ts";

const base = image("busybox")
  .config({ entrypoint: ["/bin/echo"] })
  .config({ cmd: ["default", "args"] });
// CMD then ENTRYPOINT in one stage: the command stays.
const final = base
  .config({ cmd: ["/bin/true"] })
  .config({ entrypoint: ["/bin/sh", "-c"] });

export const targets = { final, base };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
