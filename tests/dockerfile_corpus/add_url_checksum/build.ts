import { build, http, image } from "../../../mod.ts";

// Served by the test's own HTTP server (tests/support/corpus_server.ts).
// ADD --checksum: the download is verified against the digest (the engine fails the step on a mismatch).
const asFile = {
  followSymlinks: false,
  contentsOnly: false,
  allowWildcard: false,
  allowEmptyWildcard: false,
};
const hello = http("http://127.0.0.1:47213/hello.txt", {
  filename: "hello.txt",
  checksum: "sha256:ef9855c09886611a40f04ce54a7360ee47dbe2aaefc96af425d9cc732b8a9f83",
});
const final = image("busybox")
  .copy(hello, "hello.txt", "/downloads/", asFile);

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
