/**
 * Writes a tree described by untrusted wire `Stat`s into a destination directory, refusing anything
 * that could write outside it.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import { closeSync, constants, fchmodSync, futimesSync, openSync, writeSync } from "node:fs";
import { chmod, link, lstat, lutimes, mkdir, realpath, rm, symlink, unlink, utimes } from "node:fs/promises";
import { Buffer } from "node:buffer";
import type { Stat } from "../proto/fsutil_types.gen.ts";
import { goModeKind, unixPermissionsFromGo } from "./go_mode.ts";
import { TreeOrderValidator } from "./tree_order.ts";
import { MAX_PATH_BYTES, splitWirePath, wirePathProblem } from "./wire_path.ts";

/** A received entry that must not be written. Nothing was created for it. */
export class UnsafeEntryError extends DrydockError {
  override name = "UnsafeEntryError";
  constructor(message: string) {
    super("E_UNSAFE_ENTRY", message);
  }
}

/** What {@link TreeWriter.add} did with an entry. */
export type AddedEntry =
  | { kind: "dir" | "symlink" | "hardlink" }
  /** A regular file: write its content through `file` (it is created on first use). */
  | { kind: "file"; file: IncomingFile }
  /** Devices, pipes and sockets cannot be created by an unprivileged JS runtime. */
  | { kind: "skipped"; reason: string };

/** File descriptors kept open at once; more files in flight are closed and reopened as data arrives. */
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
 * import { mkdtemp, rm } from "node:fs/promises";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { TreeWriter } from "./tree_writer.ts";
 * const dest = await mkdtemp(join(tmpdir(), "out-"));
 * const writer = await TreeWriter.open(dest);
 * await writer.add({ path: "bin", mode: 0x800001ed, modTime: 0n });
 * const added = await writer.add({ path: "bin/tool", mode: 0o755, modTime: 0n });
 * if (added.kind === "file") {
 *   await added.file.write(new TextEncoder().encode("#!/bin/sh\n"));
 *   await added.file.complete();
 * }
 * await writer.finish();
 * await rm(dest, { recursive: true });
 * ```
 */
export class TreeWriter {
  readonly #root: string;
  readonly #order = new TreeOrderValidator();
  /** Regular files received so far: the only valid hardlink targets. */
  readonly #regularFiles = new Set<string>();
  /** Those of them not complete yet (created on demand, so a hardlink may have to create one). */
  readonly #incomplete = new Map<string, IncomingFile>();
  readonly #dirs: { absolutePath: string; mode: number; modTime: bigint }[] = [];
  readonly #handles = new HandleCache(MAX_OPEN_FILES);
  /** Directories this writer created, so known to be empty: nothing to replace inside them. */
  readonly #freshDirs = new Set<string>();

  private constructor(root: string, rootIsFresh: boolean) {
    this.#root = root;
    if (rootIsFresh) this.#freshDirs.add("");
  }

  /**
   * Creates `dest` if needed and returns a writer for it.
   *
   * @example
   * ```ts
   * import { mkdtemp, rm } from "node:fs/promises";
   * import { tmpdir } from "node:os";
   * import { join } from "node:path";
   * import { TreeWriter } from "./tree_writer.ts";
   * const dir = await mkdtemp(join(tmpdir(), "out-"));
   * const writer = await TreeWriter.open(join(dir, "new/dest")); // created if missing
   * console.log(writer.root);
   * await rm(dir, { recursive: true });
   * ```
   */
  static async open(dest: string): Promise<TreeWriter> {
    const created = await mkdir(dest, { recursive: true });
    return new TreeWriter(await realpath(dest), created !== undefined);
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
    const clear = this.#freshDirs.has(splitWirePath(path)[0]) ? noop : clearPath;
    const modTime = stat.modTime ?? 0n;
    const linkname = stat.linkname ?? "";

    switch (kind) {
      case "dir":
        if (await makeDir(absolutePath, clear === noop)) this.#freshDirs.add(path);
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
          await this.#incomplete.get(linkname)?.create();
          await clear(absolutePath);
          await link(`${this.#root}/${linkname}`, absolutePath);
          return { kind: "hardlink" };
        }
        // Created on first use: opening it now would cost a close and reopen when many files are in flight.
        const file = new IncomingFile(path, absolutePath, mode, modTime, {
          handles: this.#handles,
          clear: () => clear(absolutePath),
          done: () => this.#incomplete.delete(path),
        });
        this.#regularFiles.add(path);
        this.#incomplete.set(path, file);
        return { kind: "file", file };
      }
      default:
        return { kind: "skipped", reason: `${kind} entries cannot be created here` };
    }
  }

  /** Applies directory modes and mtimes, deepest first; call once every file is complete. */
  async finish(): Promise<void> {
    const [unfinished] = this.#incomplete.values();
    if (unfinished) throw new DrydockError("E_TRANSFER", `file "${unfinished.path}" was never completed`);
    this.#handles.closeAll();
    for (let i = this.#dirs.length - 1; i >= 0; i--) {
      const d = this.#dirs[i];
      // chmod and utimes follow symlinks. A later entry cannot replace a directory on a case-sensitive
      // filesystem, but on a case-insensitive one "a" can replace "A": then leave it alone.
      if (!(await lstat(d.absolutePath).catch(notFoundAsUndefined))?.isDirectory()) continue;
      await chmod(d.absolutePath, unixPermissionsFromGo(d.mode));
      const t = seconds(d.modTime);
      await utimes(d.absolutePath, t, t);
    }
  }

  /** Closes open files after a failure; what was written stays. */
  abort(): Promise<void> {
    this.#handles.closeAll();
    return Promise.resolve();
  }
}

/** What an {@link IncomingFile} needs from its writer. */
interface FileContext {
  readonly handles: HandleCache;
  /** Removes an existing entry at the path. */
  readonly clear: () => Promise<void>;
  /** Called once the file is complete. */
  readonly done: () => void;
}

/**
 * A regular file being received. It is created (empty, mode 0600) on first use; content is appended by
 * `write()`, and `complete()` applies its mode and mtime.
 *
 * File calls are synchronous: an asynchronous fs call costs 20–60 µs of thread-pool round trip in Deno and
 * Bun, five or more per file, which made receiving 100,000 small files 2.5–5x slower. Each call blocks for
 * one syscall on at most one chunk, and the caller's event loop runs between packets.
 */
export class IncomingFile {
  /** Relative wire path. */
  readonly path: string;
  readonly absolutePath: string;
  /** Go mode bits from the STAT. */
  readonly mode: number;
  /** Nanoseconds since the epoch, from the STAT. */
  readonly modTime: bigint;
  readonly #context: FileContext;
  #created = false;
  #position = 0;
  #complete = false;

  /** @internal Made by {@link TreeWriter.add}. */
  constructor(path: string, absolutePath: string, mode: number, modTime: bigint, context: FileContext) {
    this.path = path;
    this.absolutePath = absolutePath;
    this.mode = mode;
    this.modTime = modTime;
    this.#context = context;
  }

  /** Bytes written so far. */
  get size(): number {
    return this.#position;
  }

  /** Creates the file if that was not done yet (for a hardlink to it, say). */
  async create(): Promise<void> {
    await this.#fd();
  }

  /** Appends a chunk; returns once it was handed to the OS. */
  async write(data: Uint8Array): Promise<void> {
    if (this.#complete) throw new DrydockError("E_TRANSFER", `file "${this.path}" is already complete`);
    const fd = await this.#fd();
    let done = 0;
    while (done < data.length) {
      const written = writeSync(fd, data, done, data.length - done, this.#position);
      done += written;
      this.#position += written;
    }
  }

  /** Applies mode and mtime (after the data, since writing clears setuid bits) and closes the file. */
  async complete(): Promise<void> {
    if (this.#complete) return;
    this.#complete = true;
    const fd = await this.#fd();
    try {
      fchmodSync(fd, unixPermissionsFromGo(this.mode));
      const t = seconds(this.modTime);
      futimesSync(fd, t, t);
    } finally {
      this.#context.handles.close(this);
    }
    this.#context.done();
  }

  async #fd(): Promise<number> {
    const cached = this.#context.handles.get(this);
    if (cached !== undefined) return cached;
    let fd: number;
    if (!this.#created) {
      await this.#context.clear();
      const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
      fd = openSync(this.absolutePath, flags, 0o600);
      this.#created = true;
    } else {
      // Without O_CREAT and with O_NOFOLLOW: it must still be the file created above.
      fd = openSync(this.absolutePath, constants.O_WRONLY | constants.O_NOFOLLOW);
    }
    this.#context.handles.put(this, fd);
    return fd;
  }
}

/** A small LRU of open descriptors, so a peer streaming many files at once cannot exhaust them. */
class HandleCache {
  readonly #fds = new Map<IncomingFile, number>();
  readonly #max: number;
  constructor(max: number) {
    this.#max = max;
  }

  get(file: IncomingFile): number | undefined {
    const fd = this.#fds.get(file);
    if (fd !== undefined) {
      this.#fds.delete(file); // re-insert: most recently used last
      this.#fds.set(file, fd);
    }
    return fd;
  }

  put(file: IncomingFile, fd: number): void {
    this.#fds.set(file, fd);
    while (this.#fds.size > this.#max) {
      const [oldest, old] = this.#fds.entries().next().value!;
      this.#fds.delete(oldest);
      closeSync(old);
    }
  }

  close(file: IncomingFile): void {
    const fd = this.#fds.get(file);
    this.#fds.delete(file);
    if (fd !== undefined) closeSync(fd);
  }

  closeAll(): void {
    for (const fd of this.#fds.values()) {
      try {
        closeSync(fd);
      } catch {
        // after a failure; nothing more to do
      }
    }
    this.#fds.clear();
  }
}

/**
 * Makes `path` a real directory we can write into, replacing a non-directory (a symlink above all).
 * Returns whether it was newly created.
 */
async function makeDir(path: string, parentIsFresh: boolean): Promise<boolean> {
  const st = parentIsFresh ? undefined : await lstat(path).catch(notFoundAsUndefined);
  if (st?.isDirectory()) {
    if ((st.mode & 0o700) !== 0o700) await chmod(path, (st.mode & 0o7777) | 0o700);
    return false;
  }
  if (st !== undefined) await unlink(path);
  await mkdir(path, 0o700); // final mode in finish(): a read-only dir must stay writable until then
  return true;
}

async function noop(): Promise<void> {}

/** Removes whatever is at `path` (without following it) so a new entry can be created there. */
async function clearPath(path: string): Promise<void> {
  const st = await lstat(path).catch(notFoundAsUndefined);
  if (st === undefined) return;
  if (st.isDirectory()) await rm(path, { recursive: true, force: true });
  else await unlink(path);
}

function notFoundAsUndefined(e: unknown): undefined {
  if ((e as { code?: string }).code === "ENOENT") return undefined;
  throw e;
}

/**
 * Nanoseconds to the float seconds `utimes` takes. A double holds today's times to ~0.24 µs, and runtimes
 * truncate the fraction, so aim half a microsecond up: the written time then keeps the exact microsecond
 * (and millisecond) instead of landing just below it.
 */
function seconds(ns: bigint): number {
  return (Number(ns / 1000n) + 0.5) / 1e6;
}
