import { build, http, image } from "../../../mod.ts";

// Served by the test's own HTTP server (tests/support/corpus_server.ts).
const asFile = {
  followSymlinks: false,
  contentsOnly: false,
  allowWildcard: false,
  allowEmptyWildcard: false,
};
const hello = http("http://127.0.0.1:47213/hello.txt", { filename: "hello.txt" });
const final = image("busybox")
  .copy(hello, "hello.txt", "/downloads/renamed.txt", { ...asFile, chmod: 0o644, chown: "1:2" });

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
