import { build, image, scratch } from "../../../mod.ts";

// COPY <<EOF: the document is a file on an empty filesystem, copied as is.
const doc = scratch().mkfile("/EOF", "hello\n");
const final = image("busybox").copy(doc, "/EOF", "/etc/greeting", {
  followSymlinks: false,
  contentsOnly: false,
  allowWildcard: false,
  allowEmptyWildcard: false,
});

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
