import { build, cache, image } from "../../../mod.ts";

const final = image("busybox")
  .run("echo x > /cache/x && cat /cache/x > /from-cache.txt", {
    // The frontend namespaces cache ids with a leading "/".
    mounts: { "/cache": cache("/corpus-cache", { sharing: "locked" }) },
  })
  .run("echo y > /var/cache/apk/y && cat /var/cache/apk/y > /default-id.txt", {
    mounts: { "/var/cache/apk": cache("//var/cache/apk") },
  });

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
