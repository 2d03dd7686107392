import { build, git, image } from "../../../mod.ts";

// Served by the test's own HTTP server (tests/support/corpus_server.ts), the dumb git way.
// ADD of a git repository: the checkout's root copied into the destination.
const repo = "http://127.0.0.1:47213/repo.git";
const asTree = {
  followSymlinks: false,
  contentsOnly: false,
  allowWildcard: false,
  allowEmptyWildcard: false,
};
const final = image("busybox")
  .copy(git(repo, { ref: "v1" }), "/", "/src/", asTree)
  .copy(git(repo, { ref: "main", subdir: "docs" }), "/", "/docs", asTree)
  .run("ls -lR /src /docs > /listing.txt");

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
