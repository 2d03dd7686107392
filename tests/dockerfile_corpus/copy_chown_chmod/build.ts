import { build, image, local } from "../../../mod.ts";

const ctx = local(".");
const final = image("busybox")
  .copy(ctx, "a.txt", "/owned/a.txt", { chown: "1000:1000" })
  .copy(ctx, "b.txt", "/owned/b.txt", { chown: "nobody:nogroup" })
  .copy(ctx, "a.txt", "/modes/a600", { chmod: 0o600 })
  .copy(ctx, "dir", "/modes/dir", { chmod: 0o755 })
  .copy(ctx, "b.txt", "/modes/both", { chown: "2000", chmod: 0o640 });

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
