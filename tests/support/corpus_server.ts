/**
 * The HTTP server the corpus's `ADD <url>` and `ADD <git>` cases fetch from: `_served/` plus a git
 * repository served the dumb way, at a fixed address (a Dockerfile names it literally). The repository is
 * made with fixed names and dates, so every process serves the same bytes: when another test process
 * holds the port already, its server is used instead.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { serveDirectory } from "./static_server.ts";

/** Where corpus Dockerfiles find the server. */
export const CORPUS_SERVER = "http://127.0.0.1:47213";
const SERVED = join(dirname(fileURLToPath(import.meta.url)), "..", "dockerfile_corpus", "_served");

/**
 * Starts the server (or finds one another process started); the returned function stops what this started.
 *
 * @example
 * ```ts
 * import { startCorpusServer } from "./corpus_server.ts";
 * const stop = await startCorpusServer();
 * await stop();
 * ```
 */
export async function startCorpusServer(): Promise<() => Promise<void>> {
  const root = mkdtempSync(join(tmpdir(), "drydock-corpus-srv-"));
  try {
    cpSync(SERVED, root, { recursive: true });
    makeRepository(root);
    const server = await serveDirectory(root, { port: Number(new URL(CORPUS_SERVER).port) });
    return async () => {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    };
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    if ((err as { code?: string }).code !== "EADDRINUSE") throw err;
    const served = await fetch(`${CORPUS_SERVER}/hello.txt`).then((r) => r.text()).catch(() => "");
    if (served !== readFileSync(join(SERVED, "hello.txt"), "utf8")) {
      throw new Error(`${CORPUS_SERVER} is taken by something other than the corpus server`);
    }
    return () => Promise.resolve();
  }
}

/** `repo.git`: tag v1 with `top.txt` and `docs/readme.md`, then `later.txt` on main; same hashes every time. */
function makeRepository(root: string): void {
  const work = join(root, "work");
  mkdirSync(join(work, "docs"), { recursive: true });
  const date = "2026-01-01T00:00:00Z";
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: "corpus",
    GIT_AUTHOR_EMAIL: "corpus@example.com",
    GIT_COMMITTER_NAME: "corpus",
    GIT_COMMITTER_EMAIL: "corpus@example.com",
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
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
  rmSync(work, { recursive: true, force: true });
}
