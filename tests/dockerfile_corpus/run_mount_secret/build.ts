import { build, image, secret } from "../../../mod.ts";

// Not provided: a Dockerfile secret mount is optional unless required=true.
const token = secret("token");
const final = image("busybox")
  .run("cat /run/secrets/token 2>/dev/null | wc -c > /secret-size.txt", {
    mounts: { "/run/secrets/token": { secret: token, optional: true } },
  })
  .run("test ! -e /etc/tok && echo none > /secret-absent.txt", {
    mounts: { "/etc/tok": { secret: token, optional: true, mode: 0o440, uid: 1 } },
  });

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
