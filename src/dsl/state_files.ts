/**
 * The file steps of a {@link State}: copy, a subtree, the `WORKDIR` mkdir and any list of file actions, as
 * functions from the state's data to the next state's data. Options arrive validated.
 *
 * @module
 */
import type { FileAction, FileNode, MergeNode } from "./graph.ts";
import type { SourceLocation } from "../core/location.ts";
import type { schemas } from "./option_schemas.ts";
import type { z } from "zod";
import { copyAction, mkdirAction } from "./file_actions.ts";
import { isRelativeToBase, pathBase, resolvePath, type StateData } from "./state_data.ts";

/** `data` with one more file step applying `actions` to its filesystem. */
export function fileStepData(
  data: StateData,
  actions: FileAction[],
  location: SourceLocation | undefined,
  name: string,
): StateData {
  const node: FileNode = { kind: "file", location, name, base: data.output, actions };
  return { ...data, output: { op: node, index: 0 } };
}

/** `data` after copying `srcs` of `fromData` to `destPath`, merged on as a layer of its own when `link` is set. */
export function copiedData(
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
export function subtreeData(data: StateData, abs: string, location: SourceLocation | undefined): StateData {
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
