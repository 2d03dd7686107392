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
export type OpNode = SourceNode | ExecNode | FileNode;

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

/**
 * Settings a step takes from its base image's config once the engine has
 * resolved it; `cwd`/`user` say whether those still come from the base.
 */
export interface InheritedConfig {
  /** Normalized image reference, e.g. `docker.io/library/busybox:latest`. */
  readonly image: string;
  readonly platform: Platform;
  /** The step's cwd is relative to the base image's working directory. */
  readonly cwd: boolean;
  /** The step runs as the base image's user. */
  readonly user: boolean;
}

/** A container healthcheck, as Docker stores it (durations in nanoseconds). */
export interface Healthcheck {
  /** `["NONE"]`, `["CMD", ...argv]` or `["CMD-SHELL", command]`. */
  readonly test: readonly string[];
  readonly intervalNs?: number;
  readonly timeoutNs?: number;
  readonly startPeriodNs?: number;
  readonly startIntervalNs?: number;
  readonly retries?: number;
}

/** A process run in a container. */
export interface ExecNode extends NodeBase {
  readonly kind: "exec";
  readonly args: readonly string[];
  readonly env: readonly string[];
  readonly cwd: string;
  readonly user: string;
  readonly platform: Platform;
  readonly mounts: readonly ExecMount[];
  /** Env, cwd and user to take from the base image config; `env` then overrides by name. */
  readonly inherit?: InheritedConfig;
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
