/**
 * A small git repository served over dumb HTTP, for `git()` source tests.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { serveDirectory, type ServeOptions, type StaticServer } from "./static_server.ts";

/** A served repository: `url` clones it; tag `v1` and branch `main` exist. */
export interface GitFixture {
  readonly url: string;
  /** The directory served, for adding plain files next to the repository. */
  readonly root: string;
  readonly server: StaticServer;
  close(): Promise<void>;
}

/**
 * Creates a repository with `top.txt` and `docs/readme.md` (tag `v1`), then a
 * second commit on `main` adding `later.txt`, and serves it (behind an
 * `Authorization` check when `options.authorization` is set).
 *
 * @example
 * ```ts
 * import { gitFixture } from "./git_fixture.ts";
 * const repo = await gitFixture();
 * // git(repo.url, { ref: "v1" }) ...
 * await repo.close();
 * ```
 */
export async function gitFixture(options: ServeOptions = {}): Promise<GitFixture> {
  const root = mkdtempSync(join(tmpdir(), "drydock-srv-"));
  writeGitRepository(root);
  const server = await serveDirectory(root, options);
  return {
    url: `${server.url}/repo.git`,
    root,
    server,
    close: async () => {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * Writes `repo.git` under `root` (tag v1 with `top.txt` and `docs/readme.md`, then `later.txt` on main),
 * ready to serve the dumb way. With `date`, every commit has that date and no user config is read, so the
 * hashes are the same on every run.
 *
 * @example
 * ```ts
 * import { writeGitRepository } from "./git_fixture.ts";
 * // writeGitRepository(dir, "2026-01-01T00:00:00Z"); // dir/repo.git
 * ```
 */
export function writeGitRepository(root: string, date?: string): void {
  const work = join(root, "work");
  mkdirSync(join(work, "docs"), { recursive: true });
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: "t",
    GIT_AUTHOR_EMAIL: "t@example.com",
    GIT_COMMITTER_NAME: "t",
    GIT_COMMITTER_EMAIL: "t@example.com",
    ...(date
      ? {
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_CONFIG_GLOBAL: "/dev/null",
      }
      : {}),
  };
  const git = (...args: string[]) => execFileSync("git", args, { stdio: "pipe", env });
  git("-C", work, "init", "-q", "-b", "main");
  writeFileSync(join(work, "top.txt"), "top\n");
  writeFileSync(join(work, "docs/readme.md"), "docs\n");
  git("-C", work, "add", ".");
  git("-C", work, "commit", "-qm", "one");
  git("-C", work, "tag", "v1");
  writeFileSync(join(work, "later.txt"), "later\n");
  git("-C", work, "add", ".");
  git("-C", work, "commit", "-qm", "two");
  git("clone", "-q", "--bare", work, join(root, "repo.git"));
  // Dumb HTTP: clients read info/refs and loose objects as plain files.
  git("-C", join(root, "repo.git"), "update-server-info");
}
