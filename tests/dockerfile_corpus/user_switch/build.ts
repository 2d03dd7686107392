import { build, image } from "../../../mod.ts";

const final = image("busybox")
  .run(
    "echo 'app:x:1000:1000::/home/app:/bin/sh' >> /etc/passwd && echo 'app:x:1000:' >> /etc/group && mkdir -p /home/app && chown app:app /home/app",
  )
  .user("app")
  .workdir("/home/app/work")
  .run("id > id.txt && touch mine")
  .user("root:root")
  .run("id > /root.txt");

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
