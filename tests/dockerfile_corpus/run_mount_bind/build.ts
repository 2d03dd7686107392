import { build, image, local } from "../../../mod.ts";

const ctx = local(".");
const tools = image("busybox").run("mkdir /t && echo tool > /t/tool.txt");
const final = image("busybox")
  .run("cat /mnt/a.txt > /a-copy.txt", {
    mounts: { "/mnt/a.txt": { from: ctx, path: "a.txt", readonly: true } },
  })
  .run("cat /tools/tool.txt > /tool-copy.txt", {
    mounts: { "/tools": { from: tools, path: "/t", readonly: true } },
  })
  .run("touch /ctx/scratch && ls /ctx > /ctx-list.txt", { mounts: { "/ctx": { from: ctx, discard: true } } });

export const targets = { final, tools };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
