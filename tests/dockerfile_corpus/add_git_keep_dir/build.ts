import { build, git, image } from "../../../mod.ts";

// Served by the test's own HTTP server (tests/support/corpus_server.ts), the dumb git way.
// ADD --keep-git-dir=true: the checkout keeps its .git directory.
const asTree = {
  followSymlinks: false,
  contentsOnly: false,
  allowWildcard: false,
  allowEmptyWildcard: false,
};
const final = image("busybox")
  .copy(git("http://127.0.0.1:47213/repo.git", { ref: "v1", keepGitDir: true }), "/", "/src/", asTree)
  .run("ls -a /src > /listing.txt && test -d /src/.git");

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
