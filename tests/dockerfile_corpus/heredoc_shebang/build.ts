import { build, image, scratch } from "../../../mod.ts";

// A heredoc starting with #! is a script: a 0755 file in an empty filesystem mounted at /dev/pipes/, run by path.
const script = scratch().mkfile("/EOT", '#!/bin/sh\necho "from a script: $0" > /script.txt\n', {
  mode: 0o755,
});
const final = image("busybox")
  .run("/dev/pipes/EOT", { mounts: { "/dev/pipes/": { from: script, path: "/", readonly: true } } });

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
