import { build, image } from "../../../mod.ts";

const checked = image("busybox").config({ healthcheck: { test: ["/bin/true"], interval: "1m" } });
const final = checked.config({ healthcheck: "none" });

export const targets = { final, checked };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
