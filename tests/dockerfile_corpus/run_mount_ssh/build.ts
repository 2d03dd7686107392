import { build, image, ssh } from "../../../mod.ts";

// No agent is forwarded (buildx gets no --ssh): optional ssh mounts are left out, the steps still run.
const final = image("busybox")
  .run("echo default > /ssh-default.txt", { ssh: { agent: ssh(), optional: true } })
  .run("echo deploy > /ssh-deploy.txt", {
    ssh: { agent: ssh("deploy"), target: "/run/deploy.sock", optional: true, mode: 0o600, uid: 1, gid: 2 },
  });

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
