/**
 * Go `os.FileMode` bits, the mode encoding fsutil puts on the wire (`Stat.mode`), and conversions to and
 * from unix `st_mode`. Sending unix `st_mode` instead makes the daemon treat directories as files.
 *
 * @module
 */

/** Go `os.FileMode` bits. Values are unsigned 32-bit numbers. */
export const GoMode = {
  Dir: 0x80000000,
  Append: 0x40000000,
  Exclusive: 0x20000000,
  Temporary: 0x10000000,
  Symlink: 0x08000000,
  Device: 0x04000000,
  NamedPipe: 0x02000000,
  Socket: 0x01000000,
  Setuid: 0x00800000,
  Setgid: 0x00400000,
  CharDevice: 0x00200000,
  Sticky: 0x00100000,
  Irregular: 0x00080000,
  /** Every type bit; a regular file has none of them. */
  Type: 0x8f280000,
  /** The unix permission bits, identical in both encodings. */
  Perm: 0o777,
} as const;

/** Unix `st_mode` file-type values (`S_IF*`) and special bits. */
export const UnixMode = {
  IFMT: 0o170000,
  IFSOCK: 0o140000,
  IFLNK: 0o120000,
  IFREG: 0o100000,
  IFBLK: 0o060000,
  IFDIR: 0o040000,
  IFCHR: 0o020000,
  IFIFO: 0o010000,
  ISUID: 0o4000,
  ISGID: 0o2000,
  ISVTX: 0o1000,
} as const;

/** What kind of filesystem object a Go mode describes. */
export type GoModeKind =
  | "dir"
  | "file"
  | "symlink"
  | "pipe"
  | "device"
  | "char-device"
  | "socket"
  | "irregular";

/**
 * Converts a unix `st_mode` (as from `fs.lstat`) to Go `os.FileMode` bits, as Go's `os.Lstat` does.
 *
 * @example
 * ```ts
 * import { goModeFromUnix } from "./go_mode.ts";
 * goModeFromUnix(0o40755); // 0x800001ed (directory, 0755)
 * goModeFromUnix(0o120777); // 0x080001ff (symlink)
 * ```
 */
export function goModeFromUnix(stMode: number): number {
  let mode = stMode & GoMode.Perm;
  switch (stMode & UnixMode.IFMT) {
    case UnixMode.IFDIR:
      mode |= GoMode.Dir;
      break;
    case UnixMode.IFLNK:
      mode |= GoMode.Symlink;
      break;
    case UnixMode.IFREG:
      break;
    case UnixMode.IFBLK:
      mode |= GoMode.Device;
      break;
    case UnixMode.IFCHR:
      mode |= GoMode.Device | GoMode.CharDevice;
      break;
    case UnixMode.IFIFO:
      mode |= GoMode.NamedPipe;
      break;
    case UnixMode.IFSOCK:
      mode |= GoMode.Socket;
      break;
    default:
      // Unknown types must never look like regular files, which are requestable.
      mode |= GoMode.Irregular;
  }
  if (stMode & UnixMode.ISUID) mode |= GoMode.Setuid;
  if (stMode & UnixMode.ISGID) mode |= GoMode.Setgid;
  if (stMode & UnixMode.ISVTX) mode |= GoMode.Sticky;
  return mode >>> 0; // JS bit operations are signed; the wire field is uint32.
}

/**
 * Converts Go `os.FileMode` bits back to a unix `st_mode` (type bits plus permission and special bits).
 *
 * @example
 * ```ts
 * import { unixModeFromGo } from "./go_mode.ts";
 * unixModeFromGo(0x800001ed); // 0o40755
 * ```
 */
export function unixModeFromGo(goMode: number): number {
  const kind = goModeKind(goMode);
  const type = {
    dir: UnixMode.IFDIR,
    file: UnixMode.IFREG,
    symlink: UnixMode.IFLNK,
    pipe: UnixMode.IFIFO,
    device: UnixMode.IFBLK,
    "char-device": UnixMode.IFCHR,
    socket: UnixMode.IFSOCK,
    irregular: 0,
  }[kind];
  return type | unixPermissionsFromGo(goMode);
}

/**
 * The bits to pass to `chmod` for a Go mode: permissions plus setuid, setgid and sticky, in unix encoding.
 *
 * @example
 * ```ts
 * import { GoMode, unixPermissionsFromGo } from "./go_mode.ts";
 * unixPermissionsFromGo(GoMode.Setuid | 0o755); // 0o4755
 * ```
 */
export function unixPermissionsFromGo(goMode: number): number {
  let bits = goMode & GoMode.Perm;
  if (goMode & GoMode.Setuid) bits |= UnixMode.ISUID;
  if (goMode & GoMode.Setgid) bits |= UnixMode.ISGID;
  if (goMode & GoMode.Sticky) bits |= UnixMode.ISVTX;
  return bits;
}

/**
 * Classifies a Go mode. Bits are checked in Go's precedence (a char device also has `Device` set).
 *
 * @example
 * ```ts
 * import { goModeKind } from "./go_mode.ts";
 * goModeKind(0x800001ed); // "dir"
 * goModeKind(0o644); // "file"
 * ```
 */
export function goModeKind(goMode: number): GoModeKind {
  if (goMode & GoMode.Dir) return "dir";
  if (goMode & GoMode.Symlink) return "symlink";
  if (goMode & GoMode.NamedPipe) return "pipe";
  if (goMode & GoMode.Socket) return "socket";
  if (goMode & GoMode.Device) return goMode & GoMode.CharDevice ? "char-device" : "device";
  if (goMode & GoMode.Type) return "irregular";
  return "file";
}

/**
 * Whether fsutil lets a receiver request the content of an entry with this mode (no type bits at all).
 * Sender and receiver must agree on this, as it decides which IDs are valid in `REQ`.
 *
 * @example
 * ```ts
 * import { isRequestableGoMode } from "./go_mode.ts";
 * isRequestableGoMode(0o644); // true
 * isRequestableGoMode(0x800001ed); // false
 * ```
 */
export function isRequestableGoMode(goMode: number): boolean {
  return (goMode & GoMode.Type) === 0;
}
