/**
 * Builds FileOp actions (copy, mkdir, mkfile, rm) from validated options.
 *
 * @module
 */
import type {
  Chown,
  CopyAction,
  MkdirAction,
  MkfileAction,
  Output,
  Owner,
  RmAction,
  SymlinkAction,
} from "./graph.ts";
import type {
  ChownValue,
  CopyOptions,
  MkdirOptions,
  MkfileOptions,
  RmOptions,
  SymlinkOptions,
  TimestampValue,
} from "./options.ts";

/**
 * A copy action with Dockerfile `COPY` defaults for every option not given.
 *
 * @example
 * ```ts
 * import { copyAction } from "./file_actions.ts";
 * copyAction(null, "/src", "/dst/", {}).dirCopyContents; // true
 * ```
 */
export function copyAction(source: Output | null, src: string, dest: string, o: CopyOptions): CopyAction {
  return {
    kind: "copy",
    source,
    src,
    dest,
    followSymlink: o.followSymlinks ?? true,
    dirCopyContents: o.contentsOnly ?? true,
    createDestPath: o.createDestPath ?? true,
    allowWildcard: o.allowWildcard ?? true,
    allowEmptyWildcard: o.allowEmptyWildcard ?? true,
    include: o.include ?? [],
    exclude: o.exclude ?? [],
    ...(o.chown !== undefined ? { chown: chownOf(o.chown) } : {}),
    mode: typeof o.chmod === "number" ? o.chmod : -1,
    ...(typeof o.chmod === "string" ? { modeString: o.chmod } : {}),
    timestamp: timestampOf(o.timestamp),
    ...(o.alwaysReplaceExistingDestPaths ? { alwaysReplaceExistingDestPaths: true } : {}),
    ...(o.requiredPaths?.length ? { requiredPaths: [...o.requiredPaths] } : {}),
    ...(o.unpack ? { unpack: true } : {}),
  };
}

/**
 * A symlink action: a link at `newpath` whose target is `oldpath`.
 *
 * @example
 * ```ts
 * import { symlinkAction } from "./file_actions.ts";
 * symlinkAction("busybox", "/bin/sh", {}).oldpath; // "busybox"
 * ```
 */
export function symlinkAction(oldpath: string, newpath: string, o: SymlinkOptions): SymlinkAction {
  return {
    kind: "symlink",
    oldpath,
    newpath,
    ...(o.chown !== undefined ? { chown: chownOf(o.chown) } : {}),
    timestamp: timestampOf(o.timestamp),
  };
}

/**
 * A mkdir action (parents and mode 0o755 by default).
 *
 * @example
 * ```ts
 * import { mkdirAction } from "./file_actions.ts";
 * mkdirAction("/data", { chown: "1000:1000" }).chown; // { user: { id: 1000 }, group: { id: 1000 } }
 * ```
 */
export function mkdirAction(path: string, o: MkdirOptions): MkdirAction {
  return {
    kind: "mkdir",
    path,
    mode: o.mode ?? 0o755,
    parents: o.parents ?? true,
    ...(o.chown !== undefined ? { chown: chownOf(o.chown) } : {}),
    timestamp: timestampOf(o.timestamp),
  };
}

/**
 * A mkfile action (mode 0o644 by default).
 *
 * @example
 * ```ts
 * import { mkfileAction } from "./file_actions.ts";
 * mkfileAction("/motd", new TextEncoder().encode("hi"), {}).mode; // 0o644
 * ```
 */
export function mkfileAction(path: string, data: Uint8Array, o: MkfileOptions): MkfileAction {
  return {
    kind: "mkfile",
    path,
    mode: o.mode ?? 0o644,
    data,
    ...(o.chown !== undefined ? { chown: chownOf(o.chown) } : {}),
    timestamp: timestampOf(o.timestamp),
  };
}

/**
 * An rm action.
 *
 * @example
 * ```ts
 * import { rmAction } from "./file_actions.ts";
 * rmAction("/tmp/*", { allowWildcard: true }).allowWildcard; // true
 * ```
 */
export function rmAction(path: string, o: RmOptions): RmAction {
  return {
    kind: "rm",
    path,
    allowNotFound: o.allowNotFound ?? false,
    allowWildcard: o.allowWildcard ?? false,
  };
}

/**
 * Parses an owner as Go's `llb.WithUser` does: `"user[:group]"`, each part a
 * name or a number, `root` being 0.
 *
 * @example
 * ```ts
 * import { chownOf } from "./file_actions.ts";
 * chownOf("app:0"); // { user: { name: "app" }, group: { id: 0 } }
 * ```
 */
export function chownOf(v: ChownValue): Chown {
  if (typeof v === "number") return { user: { id: v } };
  if (typeof v === "string") {
    const [user, group] = v.split(":", 2);
    return group === undefined ? { user: ownerOf(user) } : { user: ownerOf(user), group: ownerOf(group) };
  }
  return v.group === undefined
    ? { user: ownerOf(v.user) }
    : { user: ownerOf(v.user), group: ownerOf(v.group) };
}

function ownerOf(v: string | number): Owner {
  if (typeof v === "number") return { id: v };
  if (v === "root") return { id: 0 };
  return /^\d+$/.test(v) ? { id: Number(v) } : { name: v };
}

function timestampOf(t: TimestampValue | undefined): bigint {
  if (t === undefined) return -1n;
  const ms = typeof t === "number" ? t : t.getTime();
  return BigInt(ms) * 1_000_000n;
}
