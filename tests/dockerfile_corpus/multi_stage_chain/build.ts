import { build, image } from "../../../mod.ts";

const base = image("busybox").env("STAGE", "base").workdir("/srv").run("echo base > base.txt");
const middle = base.env("STAGE", "middle").run('echo "$STAGE" > middle.txt');
const final = middle.user("nobody").run("id -u > /tmp/uid.txt");

export const targets = { final, base, middle };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
