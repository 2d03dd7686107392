import { build, cache, image } from "../../../mod.ts";

const CACHE_ID = "corpus-vars";
const TARGET = "/vars-cache";
const final = image("busybox")
  .arg("CACHE_ID", CACHE_ID)
  .arg("TARGET", TARGET)
  .run("echo v > /vars-cache/v && cat /vars-cache/v > /vars.txt", {
    mounts: { [TARGET]: cache(`/${CACHE_ID}`) },
  });

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
