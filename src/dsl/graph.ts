/**
 * The build graph as plain, immutable data. DSL calls create these nodes;
 * `src/llb/` lowers them to LLB. Nothing here does I/O.
 *
 * @module
 */
import type { SourceLocation } from "./location.ts";

/** An OCI platform. */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** One output of an operation: a filesystem. */
export interface Output {
  readonly op: OpNode;
  readonly index: number;
}

/** Any operation in the graph. */
export type OpNode = SourceNode | ExecNode | FileNode | MergeNode | DiffNode | FrontendNode;

/** Fields every operation carries. */
interface NodeBase {
  /** The build.ts call that made this node. */
  readonly location: SourceLocation | undefined;
  /** Progress name; the engine derives one when absent. */
  readonly name?: string;
}

/** A source: an image, a local directory, ... */
export interface SourceNode extends NodeBase {
  readonly kind: "source";
  /** LLB identifier, e.g. `docker-image://docker.io/library/busybox:latest`. */
  readonly identifier: string;
  readonly attrs: Readonly<Record<string, string>>;
  /** Set for image sources, as Go's llb does. */
  readonly platform?: Platform;
  /** For `local://` sources: the absolute directory on the client, served by the session. */
  readonly localDir?: string;
  /**
   * For `local://` sources: read `.dockerignore` in `localDir` and exclude what it lists.
   * Reading it is I/O, so the solve layer does it and hands the patterns to the lowering.
   */
  readonly dockerignore?: boolean;
}

/** A bind mount of a filesystem into a `run` step. */
export interface BindMount {
  readonly kind: "bind";
  readonly dest: string;
  /** `null` mounts an empty directory (scratch). */
  readonly source: Output | null;
  readonly selector?: string;
  readonly readonly: boolean;
}

/** Any mount of an exec step. The root mount is always a bind at `/`. */
export type ExecMount = BindMount;

/** A process run in a container. */
export interface ExecNode extends NodeBase {
  readonly kind: "exec";
  readonly args: readonly string[];
  readonly env: readonly string[];
  readonly cwd: string;
  readonly user: string;
  readonly platform: Platform;
  readonly mounts: readonly ExecMount[];
}

/** Actions of a FileOp; each applies to the result of the previous one. */
export type FileAction = CopyAction | MkdirAction | MkfileAction;

/** Copy from another filesystem. */
export interface CopyAction {
  readonly kind: "copy";
  readonly source: Output | null;
  /** Absolute path inside `source`. */
  readonly src: string;
  /** Absolute path inside the target; a trailing `/` means "into this directory". */
  readonly dest: string;
}

/** Create a directory. */
export interface MkdirAction {
  readonly kind: "mkdir";
  readonly path: string;
  readonly mode: number;
  readonly parents: boolean;
}

/** Create a file with the given contents. */
export interface MkfileAction {
  readonly kind: "mkfile";
  readonly path: string;
  readonly mode: number;
  readonly data: Uint8Array;
}

/** File actions applied in order to `base`. */
export interface FileNode extends NodeBase {
  readonly kind: "file";
  readonly base: Output | null;
  readonly actions: readonly FileAction[];
}

/** Layers stacked in order: later inputs win, as `COPY --link` of each onto the previous. */
export interface MergeNode extends NodeBase {
  readonly kind: "merge";
  /** `null` entries are the empty filesystem. */
  readonly inputs: readonly (Output | null)[];
}

/** The changes that turn `lower` into `upper`, deletions included. */
export interface DiffNode extends NodeBase {
  readonly kind: "diff";
  readonly lower: Output | null;
  readonly upper: Output | null;
}

/**
 * The result of a BuildKit frontend (e.g. `dockerfile.v0`) run on some input states.
 * The DSL cannot know its ops; the solve layer asks the engine for them and hands the
 * resulting definition to the lowering, which splices it into the build.
 */
export interface FrontendNode extends NodeBase {
  readonly kind: "frontend";
  /** The frontend's name, e.g. `dockerfile.v0`. */
  readonly frontend: string;
  /** Frontend options, e.g. `filename`, `target`, `build-arg:NAME`. */
  readonly attrs: Readonly<Record<string, string>>;
  /** Input states by the name the frontend expects (`context`, `dockerfile`). */
  readonly inputs: Readonly<Record<string, Output | null>>;
}
