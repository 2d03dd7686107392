/**
 * What `stat` and `readDir` on a built filesystem give: drydock's own type,
 * made from fsutil's wire `Stat` (whose mode is Go's `os.FileMode`).
 *
 * @module
 */
import { posix } from "node:path";
import { type GoModeKind, goModeKind, unixModeFromGo, unixPermissionsFromGo } from "../fs/go_mode.ts";
import type { Stat } from "../proto/fsutil_types.gen.ts";

/** One file, directory or link in a built filesystem. */
export interface FileInfo {
  /** The entry's name (the last path element). */
  readonly name: string;
  /** The path as the engine reported it, relative to the directory read (or the path given to `stat`). */
  readonly path: string;
  /** Unix `st_mode`: type bits and permissions, as `fs.stat().mode` gives them. */
  readonly mode: number;
  /** Permission bits with setuid, setgid and sticky (`mode & 0o7777`). */
  readonly permissions: number;
  /** What the entry is: `file`, `dir`, `symlink`, `pipe`, `socket`, a device ... */
  readonly kind: GoModeKind;
  /** Whether it is a regular file. */
  readonly isFile: boolean;
  /** Whether it is a directory. */
  readonly isDirectory: boolean;
  /** Whether it is a symbolic link. */
  readonly isSymlink: boolean;
  /** Size in bytes. */
  readonly size: number;
  /** Modification time. */
  readonly mtime: Date;
  /** Numeric owner. */
  readonly uid: number;
  /** Numeric group. */
  readonly gid: number;
  /** Where a symlink points (or the file a hard link names); empty otherwise. */
  readonly linkTarget: string;
}

/**
 * Converts a wire `Stat` to a {@link FileInfo}.
 *
 * @example
 * ```ts
 * import { fileInfoOf } from "./file_info.ts";
 * const info = fileInfoOf({ path: "etc", mode: 0x800001ed, size: 4096n, modTime: 0n });
 * info.isDirectory; // true
 * info.mode.toString(8); // "40755"
 * ```
 */
export function fileInfoOf(stat: Stat): FileInfo {
  const goMode = (stat.mode ?? 0) >>> 0;
  const kind = goModeKind(goMode);
  const path = stat.path ?? "";
  return Object.freeze({
    name: posix.basename(path),
    path,
    mode: unixModeFromGo(goMode),
    permissions: unixPermissionsFromGo(goMode),
    kind,
    isFile: kind === "file",
    isDirectory: kind === "dir",
    isSymlink: kind === "symlink",
    size: Number(stat.size ?? 0n),
    // fsutil sends nanoseconds since the epoch.
    mtime: new Date(Number((stat.modTime ?? 0n) / 1_000_000n)),
    uid: stat.uid ?? 0,
    gid: stat.gid ?? 0,
    linkTarget: stat.linkname ?? "",
  });
}
