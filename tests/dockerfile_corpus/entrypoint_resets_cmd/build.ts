import { build, image } from "../../../mod.ts";

// busybox's CMD ["sh"] is cleared by the new entrypoint.
const final = image("busybox").config({ entrypoint: ["/bin/echo", "hello"] });

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
