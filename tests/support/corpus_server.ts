/**
 * The HTTP server the corpus's `ADD <url>` and `ADD <git>` cases fetch from: `_served/` plus a git
 * repository served the dumb way, at a fixed address (a Dockerfile names it literally). The repository is
 * made with fixed names and dates, so every process serves the same bytes: when another test process
 * holds the port already, its server is used instead.
 *
 * @module
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serveDirectory } from "./static_server.ts";
import { writeGitRepository } from "./git_fixture.ts";

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
    writeGitRepository(root, "2026-01-01T00:00:00Z");
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
