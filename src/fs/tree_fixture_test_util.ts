/**
 * Test helpers (not part of the public API): temporary directories and whole-tree snapshots.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { walkTree } from "./walk.ts";

/**
 * Runs `fn` with a fresh temporary directory, removed afterwards.
 *
 * @example
 * ```ts
 * import { withTempDir } from "./tree_fixture_test_util.ts";
 * await withTempDir(async (dir) => console.log(dir));
 * ```
 */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "drydock-fs-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One entry of {@link snapshotTree}: what a faithful copy must reproduce. */
export interface EntrySnapshot {
  path: string;
  kind: string;
  mode: number;
  size: bigint;
  linkname: string;
  /** Microseconds: `utimes` takes float seconds, which cannot carry nanoseconds. */
  mtimeUs: bigint;
  /** sha256 of regular files. */
  sha256?: string;
}

/**
 * Describes every entry under `root` in walk order, hashing file contents.
 *
 * @example
 * ```ts
 * import { snapshotTree, withTempDir } from "./tree_fixture_test_util.ts";
 * await withTempDir(async (dir) => console.log(await snapshotTree(dir))); // []
 * ```
 */
export async function snapshotTree(root: string): Promise<EntrySnapshot[]> {
  const out: EntrySnapshot[] = [];
  for await (const e of walkTree(root)) {
    out.push({
      path: e.path,
      kind: e.kind,
      mode: e.stat.mode ?? 0,
      size: e.stat.size ?? 0n,
      linkname: e.stat.linkname ?? "",
      mtimeUs: (e.stat.modTime ?? 0n) / 1000n,
      sha256: e.kind === "file" || e.kind === "hardlink" ? await sha256File(e.absolutePath) : undefined,
    });
  }
  return out;
}

/**
 * Hex sha256 of a file, streamed.
 *
 * @example
 * ```ts
 * import { writeFile } from "node:fs/promises";
 * import { join } from "node:path";
 * import { sha256File, withTempDir } from "./tree_fixture_test_util.ts";
 * await withTempDir(async (dir) => {
 *   await writeFile(join(dir, "f"), "");
 *   console.log(await sha256File(join(dir, "f"))); // e3b0c442…
 * });
 * ```
 */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Uint8Array);
  return hash.digest("hex");
}
