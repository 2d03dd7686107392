/**
 * The file steps of a {@link State}: copy, mkdir, mkfile, rm, symlink, a subtree and the `WORKDIR` mkdir, as
 * functions from the state's data to the next state's data. The exported steps validate their arguments.
 *
 * @module
 */
import { z } from "zod";
import type { FileAction, FileNode, MergeNode } from "./graph.ts";
import type { SourceLocation } from "../core/location.ts";
import type { CopyOptions, MkdirOptions, MkfileOptions, RmOptions, SymlinkOptions } from "./options.ts";
import { schemas } from "./option_schemas.ts";
import { copyAction, mkdirAction, mkfileAction, rmAction, symlinkAction } from "./file_actions.ts";
import { isRelativeToBase, pathBase, resolvePath, type StateData } from "./state_data.ts";
import { isState, type StateBase, stateData } from "./state_base.ts";
import { validate } from "../core/validate.ts";

type Where = SourceLocation | undefined;

/**
 * The data after `copy(from, src, dest, options)`.
 *
 * @example
 * ```ts
 * import { image, scratch } from "@drydock/core";
 * import { stateData } from "./state_base.ts";
 * import { copyStepData } from "./state_files.ts";
 * const data = copyStepData(stateData(scratch()), image("busybox"), "/bin/sh", "/sh", {}, undefined);
 * ```
 */
export function copyStepData(
  data: StateData,
  from: StateBase,
  src: string | string[],
  dest: string,
  options: CopyOptions,
  location: Where,
): StateData {
  if (!isState(from)) {
    const notState = z.custom(() => false, "must be a State (from image(), local(), scratch() ...)");
    validate("copy", "from", notState, from, location);
  }
  const srcs = validate("copy", "src", z.union([schemas.path, z.array(schemas.path).min(1)]), src, location);
  const destPath = validate("copy", "dest", schemas.path, dest, location);
  const opts = validate("copy", "", schemas.copy, options, location);
  return copiedData(data, stateData(from), srcs, destPath, opts, location);
}

/**
 * The data after `mkdir(path, options)`.
 *
 * @example
 * ```ts
 * import { scratch } from "@drydock/core";
 * import { stateData } from "./state_base.ts";
 * import { mkdirData } from "./state_files.ts";
 * mkdirData(stateData(scratch()), "/data", { mode: 0o700 }, undefined).output?.op.kind; // "file"
 * ```
 */
export function mkdirData(data: StateData, path: string, options: MkdirOptions, location: Where): StateData {
  const p = validate("mkdir", "path", schemas.path, path, location);
  const opts = validate("mkdir", "", schemas.mkdir, options, location);
  const abs = resolvePath(data.settings.cwd, p);
  const action = { ...mkdirAction(abs, opts), ...pathBase(data.settings, p) };
  return fileStepData(data, [action], location, opts.name ?? `MKDIR ${abs}`);
}

/**
 * The data after `mkfile(path, contents, options)`; a string is written as UTF-8.
 *
 * @example
 * ```ts
 * import { scratch } from "@drydock/core";
 * import { stateData } from "./state_base.ts";
 * import { mkfileData } from "./state_files.ts";
 * mkfileData(stateData(scratch()), "/motd", "hi\n", {}, undefined).output?.op.kind; // "file"
 * ```
 */
export function mkfileData(
  data: StateData,
  path: string,
  contents: string | Uint8Array,
  options: MkfileOptions,
  location: Where,
): StateData {
  const p = validate("mkfile", "path", schemas.path, path, location);
  const d = validate("mkfile", "data", schemas.fileData, contents, location);
  const opts = validate("mkfile", "", schemas.mkfile, options, location);
  const abs = resolvePath(data.settings.cwd, p);
  const bytes = typeof d === "string" ? new TextEncoder().encode(d) : new Uint8Array(d);
  const action = { ...mkfileAction(abs, bytes, opts), ...pathBase(data.settings, p) };
  return fileStepData(data, [action], location, opts.name ?? `MKFILE ${abs}`);
}

/**
 * The data after `rm(path, options)`.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { stateData } from "./state_base.ts";
 * import { rmData } from "./state_files.ts";
 * rmData(stateData(image("busybox")), "/tmp/x", { allowNotFound: true }, undefined).output?.op.kind; // "file"
 * ```
 */
export function rmData(data: StateData, path: string, options: RmOptions, location: Where): StateData {
  const p = validate("rm", "path", schemas.path, path, location);
  const opts = validate("rm", "", schemas.rm, options, location);
  const abs = resolvePath(data.settings.cwd, p);
  const action = { ...rmAction(abs, opts), ...pathBase(data.settings, p) };
  return fileStepData(data, [action], location, opts.name ?? `RM ${abs}`);
}

/**
 * The data after `symlink(oldpath, newpath, options)`.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { stateData } from "./state_base.ts";
 * import { symlinkData } from "./state_files.ts";
 * symlinkData(stateData(image("busybox")), "/bin/busybox", "/vi", {}, undefined).output?.op.kind; // "file"
 * ```
 */
export function symlinkData(
  data: StateData,
  oldpath: string,
  newpath: string,
  options: SymlinkOptions,
  location: Where,
): StateData {
  const target = validate("symlink", "oldpath", schemas.path, oldpath, location);
  const p = validate("symlink", "newpath", schemas.path, newpath, location);
  const opts = validate("symlink", "", schemas.symlink, options, location);
  const abs = resolvePath(data.settings.cwd, p);
  const action = { ...symlinkAction(target, abs, opts), ...pathBase(data.settings, p) };
  return fileStepData(data, [action], location, opts.name ?? `SYMLINK ${target} ${abs}`);
}

/**
 * The data of `dir(path)`: the subtree at `path` as a filesystem of its own; `data` itself for `/`.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { stateData } from "./state_base.ts";
 * import { dirData } from "./state_files.ts";
 * dirData(stateData(image("busybox")), "/etc", undefined).settings.cwd; // "/"
 * ```
 */
export function dirData(data: StateData, path: string, location: Where): StateData {
  const p = validate("dir", "path", schemas.path, path, location);
  const abs = resolvePath(data.settings.cwd, p);
  return abs === "/" ? data : subtreeData(data, abs, location);
}

/** `data` with one more file step applying `actions` to its filesystem. */
function fileStepData(
  data: StateData,
  actions: FileAction[],
  location: SourceLocation | undefined,
  name: string,
): StateData {
  const node: FileNode = { kind: "file", location, name, base: data.output, actions };
  return { ...data, output: { op: node, index: 0 } };
}

/** `data` after copying `srcs` of `fromData` to `destPath`, merged on as a layer of its own when `link` is set. */
function copiedData(
  data: StateData,
  fromData: StateData,
  srcs: string | string[],
  destPath: string,
  opts: z.output<typeof schemas.copy>,
  location: SourceLocation | undefined,
): StateData {
  const list = typeof srcs === "string" ? [srcs] : srcs;
  // "." (the working directory) is a directory to copy into, as in a Dockerfile.
  const target = resolvePath(data.settings.cwd, destPath === "." ? "./" : destPath, true);
  const actions: FileAction[] = list.map((s) => ({
    ...copyAction(
      fromData.output,
      resolvePath(fromData.settings.cwd, s),
      list.length > 1 && !target.endsWith("/") ? target + "/" : target,
      opts,
    ),
    ...pathBase(data.settings, destPath),
    ...(isRelativeToBase(fromData.settings, s) ? { srcBase: fromData.settings.inherit } : {}),
  }));
  const name = opts.name ?? `COPY ${list.join(" ")} ${destPath}`;
  if (!opts.link) return fileStepData(data, actions, location, name);
  // COPY --link: the copy lands on an empty filesystem, merged onto this one.
  const layer: FileNode = { kind: "file", location, name, base: null, actions };
  const merged: MergeNode = {
    kind: "merge",
    location,
    name: `LINK ${name}`,
    inputs: [data.output, { op: layer, index: 0 }],
  };
  return { ...data, output: { op: merged, index: 0 } };
}

/** The subtree at `abs` (not `/`) of `data`'s filesystem as a filesystem of its own, its root the working directory. */
function subtreeData(data: StateData, abs: string, location: SourceLocation | undefined): StateData {
  const node: FileNode = {
    kind: "file",
    location,
    name: `DIR ${abs}`,
    base: null,
    actions: [copyAction(data.output, abs, "/", { allowWildcard: false, allowEmptyWildcard: false })],
  };
  return {
    ...data,
    output: { op: node, index: 0 },
    settings: { ...data.settings, cwd: "/" },
  };
}

/** `data` with the directory a `WORKDIR` makes, or `data` itself when there is nothing to make. */
export function workdirMkdirData(data: StateData, location: SourceLocation | undefined): StateData {
  const { cwd, user, inherit } = data.settings;
  const based = inherit?.cwd === true;
  if (cwd === "/" && !based) return data;
  const action = mkdirAction(cwd, { mode: 0o755, parents: true, ...(user ? { chown: user } : {}) });
  const node: FileNode = {
    kind: "file",
    location,
    name: `WORKDIR ${cwd}`,
    base: data.output,
    actions: [{
      ...action,
      ...(based ? { pathBase: inherit } : {}),
      // As the frontend: the directory belongs to the image's user, the base image's when none was set.
      ...(!user && inherit?.user ? { ownerBase: inherit } : {}),
    }],
    ownOp: true,
  };
  return { ...data, output: { op: node, index: 0 } };
}
