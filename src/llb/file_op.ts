/**
 * Lowers a file node to a `pb.FileOp`, with the caps each field needs.
 *
 * @module
 */
import type { Chown, FileAction, FileNode, Owner } from "../dsl/graph.ts";
import type { InheritedConfig } from "../dsl/step_settings.ts";
import type * as pb from "../proto/pb.gen.ts";
import { Cap, type CapID } from "./caps.ts";
import type { InputList } from "./inputs.ts";
import { baseConfigOf, type BaseConfigs, basedPath } from "./base_config.ts";
import { chownOf as ownerOf } from "../dsl/file_actions.ts";

/**
 * The op of a file node. Each action reads the result of the one before it,
 * numbered after the op's real inputs; only the last one is an output.
 *
 * @example
 * ```ts
 * import { scratch } from "@drydock/core";
 * import { stateData } from "../dsl/state.ts";
 * import { InputList } from "./inputs.ts";
 * import { fileOp } from "./file_op.ts";
 * const node = stateData(scratch().mkdir("/a")).output!.op;
 * if (node.kind === "file") fileOp(node, new InputList(() => ({ digest: "sha256:00", index: 0n })), new Set());
 * ```
 */
export function fileOp(
  node: FileNode,
  inputs: InputList,
  caps: Set<CapID>,
  baseConfigs?: BaseConfigs,
): pb.Op {
  caps.add(Cap.fileBase);
  // Collect inputs first: earlier-action references are numbered after them.
  const base = inputs.indexOf(node.base);
  const secondary = node.actions.map((a) => (a.kind === "copy" ? inputs.indexOf(a.source) : -1n));
  const n = BigInt(inputs.list.length);
  const actions: pb.FileAction[] = node.actions.map((a, i) => {
    const input = i === 0 ? base : n + BigInt(i - 1);
    return {
      input,
      secondaryInput: secondary[i],
      output: i === node.actions.length - 1 ? 0n : -1n,
      ...fileAction(a, input, caps, baseConfigs),
    };
  });
  return { file: { actions } };
}

function fileAction(a: FileAction, input: bigint, caps: Set<CapID>, configs?: BaseConfigs): pb.FileAction {
  switch (a.kind) {
    case "copy": {
      const copy: pb.FileActionCopy = {
        src: basedPath(a.src, a.srcBase, configs),
        dest: basedPath(a.dest, a.pathBase, configs, true),
        owner: chownOf(a.chown, input),
        mode: a.mode,
        followSymlink: a.followSymlink,
        dirCopyContents: a.dirCopyContents,
        createDestPath: a.createDestPath,
        allowWildcard: a.allowWildcard,
        allowEmptyWildcard: a.allowEmptyWildcard,
        timestamp: a.timestamp,
      };
      if (a.unpack) copy.attemptUnpackDockerCompatibility = true;
      if (a.include.length > 0 || a.exclude.length > 0) {
        // BuildKit 0.8 would ignore the patterns and copy everything: require the cap.
        caps.add(Cap.fileCopyIncludeExcludePatterns);
        if (a.include.length > 0) copy.includePatterns = [...a.include];
        if (a.exclude.length > 0) copy.excludePatterns = [...a.exclude];
      }
      if (a.requiredPaths?.length) {
        caps.add(Cap.fileCopyRequiredPaths);
        copy.requiredPaths = [...a.requiredPaths];
      }
      if (a.alwaysReplaceExistingDestPaths) {
        caps.add(Cap.fileCopyAlwaysReplaceExistingDestPaths);
        copy.alwaysReplaceExistingDestPaths = true;
      }
      if (a.modeString) {
        // As Go's llb: the mode field stays 0 when the mode is a string.
        caps.add(Cap.fileCopyModeString);
        copy.mode = 0;
        copy.modeStr = a.modeString;
      }
      return { copy };
    }
    case "mkdir":
      return {
        mkdir: {
          path: basedPath(a.path, a.pathBase, configs),
          mode: a.mode,
          makeParents: a.parents,
          owner: chownOf(a.chown ?? baseOwner(a.ownerBase, configs), input),
          timestamp: a.timestamp,
        },
      };
    case "mkfile":
      return {
        mkfile: {
          path: basedPath(a.path, a.pathBase, configs),
          mode: a.mode,
          data: a.data,
          owner: chownOf(a.chown, input),
          timestamp: a.timestamp,
        },
      };
    case "symlink":
      caps.add(Cap.fileSymlinkCreate);
      return {
        symlink: {
          oldpath: a.oldpath,
          newpath: basedPath(a.newpath, a.pathBase, configs),
          owner: chownOf(a.chown, input),
          timestamp: a.timestamp,
        },
      };
    case "rm":
      if (a.allowWildcard) caps.add(Cap.fileRmWildcard);
      return {
        rm: {
          path: basedPath(a.path, a.pathBase, configs),
          allowNotFound: a.allowNotFound,
          allowWildcard: a.allowWildcard,
        },
      };
  }
}

// Names resolve in the filesystem the action modifies, as Go's llb does.
/** The base image's user as an owner, once its config is known. */
function baseOwner(base: InheritedConfig | undefined, configs: BaseConfigs | undefined): Chown | undefined {
  const user = baseConfigOf(base, configs)?.User;
  return user ? ownerOf(user) : undefined;
}

function chownOf(c: Chown | undefined, input: bigint): pb.ChownOpt | undefined {
  if (!c) return undefined;
  return { user: userOf(c.user, input), group: c.group ? userOf(c.group, input) : undefined };
}

function userOf(o: Owner, input: bigint): pb.UserOpt {
  return "name" in o ? { byName: { name: o.name, input } } : { byID: o.id };
}
