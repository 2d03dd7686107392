/**
 * Writes a tree described by untrusted wire `Stat`s into a destination directory, refusing anything
 * that could write outside it.
 *
 * @module
 */
import { constants } from "node:fs";
import {
  chmod,
  type FileHandle,
  link,
  lstat,
  lutimes,
  mkdir,
  open,
  realpath,
  rm,
  symlink,
  unlink,
  utimes,
} from "node:fs/promises";
import { Buffer } from "node:buffer";
import type { Stat } from "../proto/fsutil_types.gen.ts";
import { goModeKind, unixPermissionsFromGo } from "./go_mode.ts";
import { TreeOrderValidator } from "./tree_order.ts";
import { MAX_PATH_BYTES, wirePathProblem } from "./wire_path.ts";

/** A received entry that must not be written. Nothing was created for it. */
export class UnsafeEntryError extends Error {
  override name = "UnsafeEntryError";
}

/** What {@link TreeWriter.add} did with an entry. */
export type AddedEntry =
  | { kind: "dir" | "symlink" | "hardlink" }
  /** A regular file was created empty; write its content through `file`. */
  | { kind: "file"; file: IncomingFile }
  /** Devices, pipes and sockets cannot be created by an unprivileged JS runtime. */
  | { kind: "skipped"; reason: string };

/** Open file handles kept at once; more files in flight are closed and reopened as data arrives. */
const MAX_OPEN_FILES = 32;

/**
 * Creates entries under a root, in fsutil order, with these guarantees: paths are clean, relative and
 * within length limits; each parent was received as a directory (so no write goes through a symlink);
 * entries are strictly ordered; hardlinks only point at regular files received earlier. Existing entries
 * of another type are replaced (never written through); existing directories are kept (merge).
 *
 * Directory modes and mtimes are applied by {@link TreeWriter.finish}, after their contents are written.
 *
 * @example
 * ```ts
 * import { TreeWriter } from "./tree_writer.ts";
 * const writer = await TreeWriter.open("./out");
 * await writer.add({ path: "bin", mode: 0x800001ed, modTime: 0n });
 * const added = await writer.add({ path: "bin/tool", mode: 0o755, modTime: 0n });
 * if (added.kind === "file") {
 *   await added.file.write(new TextEncoder().encode("#!/bin/sh\n"));
 *   await added.file.complete();
 * }
 * await writer.finish();
 * ```
 */
export class TreeWriter {
  readonly #root: string;
  readonly #order = new TreeOrderValidator();
  /** Regular files received so far: the only valid hardlink targets. */
  readonly #regularFiles = new Set<string>();
  readonly #dirs: { absolutePath: string; mode: number; modTime: bigint }[] = [];
  readonly #handles = new HandleCache(MAX_OPEN_FILES);

  private constructor(root: string) {
    this.#root = root;
  }

  /**
   * Creates `dest` if needed and returns a writer for it.
   *
   * @example
   * ```ts
   * import { TreeWriter } from "./tree_writer.ts";
   * const writer = await TreeWriter.open("./out");
   * ```
   */
  static async open(dest: string): Promise<TreeWriter> {
    await mkdir(dest, { recursive: true });
    return new TreeWriter(await realpath(dest));
  }

  /** The destination's real path. */
  get root(): string {
    return this.#root;
  }

  /**
   * Validates and creates one entry. Throws {@link UnsafeEntryError} without touching the disk if the
   * entry is not acceptable.
   */
  async add(stat: Stat): Promise<AddedEntry> {
    const path = stat.path ?? "";
    const mode = stat.mode ?? 0;
    const kind = goModeKind(mode);
    const problem = wirePathProblem(path) ?? this.#order.problem(path, kind === "dir");
    if (problem !== undefined) throw new UnsafeEntryError(problem);
    const absolutePath = `${this.#root}/${path}`;
    const modTime = stat.modTime ?? 0n;
    const linkname = stat.linkname ?? "";

    switch (kind) {
      case "dir":
        await makeDir(absolutePath);
        this.#dirs.push({ absolutePath, mode, modTime });
        return { kind: "dir" };
      case "symlink": {
        // The target may point anywhere: it is created as a link and never followed by this writer.
        if (linkname === "" || linkname.includes("\0") || Buffer.byteLength(linkname) > MAX_PATH_BYTES) {
          throw new UnsafeEntryError(`symlink "${path}" has an invalid target`);
        }
        await clear(absolutePath);
        await symlink(linkname, absolutePath);
        const t = seconds(modTime);
        await lutimes(absolutePath, t, t).catch(() => {}); // not every filesystem supports it
        return { kind: "symlink" };
      }
      case "file": {
        if (linkname !== "") {
          if (wirePathProblem(linkname) !== undefined || !this.#regularFiles.has(linkname)) {
            throw new UnsafeEntryError(`invalid link "${path}" to unknown path ${JSON.stringify(linkname)}`);
          }
          await clear(absolutePath);
          await link(`${this.#root}/${linkname}`, absolutePath);
          return { kind: "hardlink" };
        }
        await clear(absolutePath);
        const file = new IncomingFile(path, absolutePath, mode, modTime, this.#handles);
        await file.create();
        this.#regularFiles.add(path);
        return { kind: "file", file };
      }
      default:
        return { kind: "skipped", reason: `${kind} entries cannot be created here` };
    }
  }

  /** Applies directory modes and mtimes, deepest first; call once every file is complete. */
  async finish(): Promise<void> {
    await this.#handles.closeAll();
    for (let i = this.#dirs.length - 1; i >= 0; i--) {
      const d = this.#dirs[i];
      await chmod(d.absolutePath, unixPermissionsFromGo(d.mode));
      const t = seconds(d.modTime);
      await utimes(d.absolutePath, t, t);
    }
  }

  /** Closes open files after a failure; what was written stays. */
  async abort(): Promise<void> {
    await this.#handles.closeAll();
  }
}

/**
 * A regular file being received. It exists (empty, mode 0600) from `add()` on, so hardlinks to it can be
 * made at once; content is appended by `write()`, and `complete()` applies its mode and mtime.
 */
export class IncomingFile {
  /** Relative wire path. */
  readonly path: string;
  readonly absolutePath: string;
  /** Go mode bits from the STAT. */
  readonly mode: number;
  /** Nanoseconds since the epoch, from the STAT. */
  readonly modTime: bigint;
  readonly #handles: HandleCache;
  #position = 0;
  #complete = false;

  /** @internal Made by {@link TreeWriter.add}. */
  constructor(path: string, absolutePath: string, mode: number, modTime: bigint, handles: HandleCache) {
    this.path = path;
    this.absolutePath = absolutePath;
    this.mode = mode;
    this.modTime = modTime;
    this.#handles = handles;
  }

  /** Bytes written so far. */
  get size(): number {
    return this.#position;
  }

  /** @internal */
  async create(): Promise<void> {
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    await this.#handles.put(this, await open(this.absolutePath, flags, 0o600));
  }

  /** Appends a chunk; resolves when it was handed to the OS. */
  async write(data: Uint8Array): Promise<void> {
    if (this.#complete) throw new Error(`file "${this.path}" is already complete`);
    const handle = await this.#handle();
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await handle.write(data, done, data.length - done, this.#position);
      done += bytesWritten;
      this.#position += bytesWritten;
    }
  }

  /** Applies mode and mtime (after the data, since writing clears setuid bits) and closes the file. */
  async complete(): Promise<void> {
    if (this.#complete) return;
    this.#complete = true;
    const handle = await this.#handle();
    try {
      await handle.chmod(unixPermissionsFromGo(this.mode));
      const t = seconds(this.modTime);
      await handle.utimes(t, t);
    } finally {
      await this.#handles.close(this);
    }
  }

  async #handle(): Promise<FileHandle> {
    const cached = this.#handles.get(this);
    if (cached) return cached;
    // Reopened without O_CREAT and with O_NOFOLLOW: it must still be the file add() created.
    const handle = await open(this.absolutePath, constants.O_WRONLY | constants.O_NOFOLLOW);
    await this.#handles.put(this, handle);
    return handle;
  }
}

/** A small LRU of open handles, so a peer streaming many files at once cannot exhaust descriptors. */
class HandleCache {
  readonly #handles = new Map<IncomingFile, FileHandle>();
  constructor(readonly max: number) {}

  get(file: IncomingFile): FileHandle | undefined {
    const h = this.#handles.get(file);
    if (h !== undefined) {
      this.#handles.delete(file); // re-insert: most recently used last
      this.#handles.set(file, h);
    }
    return h;
  }

  async put(file: IncomingFile, handle: FileHandle): Promise<void> {
    this.#handles.set(file, handle);
    while (this.#handles.size > this.max) {
      const [oldest, h] = this.#handles.entries().next().value!;
      this.#handles.delete(oldest);
      await h.close();
    }
  }

  async close(file: IncomingFile): Promise<void> {
    const h = this.#handles.get(file);
    this.#handles.delete(file);
    await h?.close();
  }

  async closeAll(): Promise<void> {
    const all = [...this.#handles.values()];
    this.#handles.clear();
    await Promise.allSettled(all.map((h) => h.close()));
  }
}

/** Makes `path` a real directory we can write into, replacing a non-directory (a symlink above all). */
async function makeDir(path: string): Promise<void> {
  const st = await lstat(path).catch(notFoundAsUndefined);
  if (st?.isDirectory()) {
    if ((st.mode & 0o700) !== 0o700) await chmod(path, (st.mode & 0o7777) | 0o700);
    return;
  }
  if (st !== undefined) await unlink(path);
  await mkdir(path, 0o700); // final mode in finish(): a read-only dir must stay writable until then
}

/** Removes whatever is at `path` (without following it) so a new entry can be created there. */
async function clear(path: string): Promise<void> {
  const st = await lstat(path).catch(notFoundAsUndefined);
  if (st === undefined) return;
  if (st.isDirectory()) await rm(path, { recursive: true, force: true });
  else await unlink(path);
}

function notFoundAsUndefined(e: unknown): undefined {
  if ((e as { code?: string }).code === "ENOENT") return undefined;
  throw e;
}

/** Nanoseconds to the seconds `utimes` takes (sub-microsecond digits are lost to float precision). */
function seconds(ns: bigint): number {
  return Number(ns / 1000n) / 1e6;
}
