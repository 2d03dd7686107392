import { build, cache, image, scratch } from "../../../mod.ts";

// A cache mount's uid/gid/mode: the cache is seeded from a /cache directory made with them.
const owned = scratch().mkdir("/cache", { mode: 0o700, parents: false, chown: { user: 1000, group: 1000 } });
const final = image("busybox", { platform: "linux/amd64" })
  .run("stat -c '%u %g %a' /cache-owned > /owner.txt", {
    mounts: { "/cache-owned": cache("//cache-owned", { from: owned, path: "/cache" }) },
  });

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
