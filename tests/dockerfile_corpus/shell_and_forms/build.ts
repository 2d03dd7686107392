import { build, image } from "../../../mod.ts";

const final = image("busybox")
  .shell(["/bin/sh", "-ec"])
  .run('echo "shell $0" > /shell.txt')
  .shell(["/bin/ash", "-c"])
  .run("echo ash > /ash.txt")
  .config({ cmd: ["/bin/ash", "-c", "echo hi"] })
  .config({ entrypoint: ["/bin/ash", "-c", "echo entry"] });

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
