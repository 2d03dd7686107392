/**
 * The build graph as plain, immutable data. DSL calls create these nodes;
 * `src/llb/` lowers them to LLB. Nothing here does I/O.
 *
 * @module
 */
import type { SourceLocation } from "../core/location.ts";
import type { Platform } from "../core/platform.ts";
import type { GitRemote } from "./git_url.ts";
import type { Secret, SshAgent } from "./secrets.ts";
import type { EnvTemplate } from "./env_template.ts";
import type { PersistTarget } from "./persist.ts";
import type { InheritedConfig, NetworkMode, ProxyEnv, SecurityMode, Ulimit } from "./step_settings.ts";

export type { Platform };

/** One output of an operation: a filesystem. */
export interface Output {
  readonly op: OpNode;
  readonly index: number;
}

/** Any operation in the graph. */
export type OpNode = SourceNode | ExecNode | FileNode | MergeNode | DiffNode | FrontendNode | ContextNode;

/** A progress group: steps shown together under one name. */
export interface ProgressGroup {
  readonly id: string;
  readonly name: string;
}

/** Fields every operation carries. */
interface NodeBase {
  /** The build.ts call that made this node. */
  readonly location: SourceLocation | undefined;
  /** Progress name; the engine derives one when absent. */
  readonly name?: string;
  /** Run again even when a cached result exists. */
  readonly ignoreCache?: boolean;
  readonly progressGroup?: ProgressGroup;
}

/** A source: an image, a local directory, a git repository or a file over HTTP(S). */
export type SourceNode = ImageSource | LocalSource | GitSource | HttpSource;

/** Fields every source carries. */
interface SourceBase extends NodeBase {
  readonly kind: "source";
  /** Secrets the engine asks the session for while fetching this source (e.g. git auth). */
  readonly secrets?: readonly SecretRef[];
  /** SSH agents the engine uses while fetching this source (e.g. git over ssh). */
  readonly sshAgents?: readonly SshRef[];
}

/** A container image: `image()`. */
export interface ImageSource extends SourceBase {
  readonly type: "image";
  /** The normalized reference, e.g. `docker.io/library/busybox:latest`. */
  readonly ref: string;
  readonly platform: Platform;
  /** How the engine resolves the reference, when not its default. */
  readonly resolveMode?: "pull" | "local";
  /** The digest the image's manifest must have. */
  readonly checksum?: string;
}

/** A directory on the client, served by the session: `local()`. */
export interface LocalSource extends SourceBase {
  readonly type: "local";
  /** The name the engine asks the session for: the directory relative to build.ts (or absolute). */
  readonly sessionName: string;
  /** The absolute directory on the client. */
  readonly dir: string;
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
  readonly followPaths?: readonly string[];
  readonly sharedKeyHint?: string;
  /** Send only metadata (names, modes, times), except for the paths listed. */
  readonly metadataOnly?: { readonly except: readonly string[] };
  /**
   * Read `.dockerignore` in `dir` and exclude what it lists.
   * Reading it is I/O, so the solve layer does it and hands the patterns to the lowering.
   */
  readonly dockerignore: boolean;
  /**
   * Ignore files to read instead of `<dir>/.dockerignore`, the first that exists wins:
   * a Dockerfile's own `<name>.dockerignore` comes before the context's, as in `docker build`.
   */
  readonly dockerignoreFiles?: readonly string[];
}

/** A git repository at a ref, checked out by the engine: `git()`. */
export interface GitSource extends SourceBase {
  readonly type: "git";
  readonly remote: GitRemote;
  readonly ref?: string;
  readonly subdir?: string;
  readonly keepGitDir?: boolean;
  /** The ids of the secrets holding an HTTP auth token and header. */
  readonly authTokenSecret: string;
  readonly authHeaderSecret: string;
  /** For ssh remotes: known_hosts lines, and the id of the ssh agent to use. */
  readonly knownSshHosts?: string;
  readonly sshSocket?: string;
  /** The commit the ref must resolve to. */
  readonly checksum?: string;
  readonly skipSubmodules?: boolean;
}

/** A file downloaded by the engine: `http()`. */
export interface HttpSource extends SourceBase {
  readonly type: "http";
  readonly url: string;
  readonly checksum?: string;
  readonly filename?: string;
  /** Permission bits of the file; 0 means the engine's default. */
  readonly chmod?: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** The id of the secret holding the Authorization header. */
  readonly authHeaderSecret?: string;
}

/** A use of a secret: the secret and whether the step may run without it. */
export interface SecretRef {
  readonly secret: Secret;
  readonly optional: boolean;
}

/** A use of an ssh agent. */
export interface SshRef {
  readonly agent: SshAgent;
  readonly optional: boolean;
}

/** A bind mount of a filesystem into a `run` step. */
export interface BindMount {
  readonly kind: "bind";
  readonly dest: string;
  /** `null` mounts an empty directory (scratch). */
  readonly source: Output | null;
  /** A path inside `source` to mount instead of its root. */
  readonly selector?: string;
  readonly readonly: boolean;
  /** Writable, but the step's changes are thrown away: no output (a Dockerfile `rw` bind mount). */
  readonly discard?: boolean;
}

/** Cache sharing between concurrent steps using the same cache id. */
export type CacheSharing = "shared" | "private" | "locked";

/** A persistent cache directory, kept by the engine between builds. */
export interface CacheMount {
  readonly kind: "cache";
  readonly dest: string;
  readonly id: string;
  readonly sharing: CacheSharing;
  /** Seeds a new cache; `null` starts empty. */
  readonly source: Output | null;
  readonly selector?: string;
  readonly readonly: boolean;
  /** Where the content lives between machines; the lowering takes its seed from the solve. */
  readonly persist?: PersistTarget;
}

/** An in-memory filesystem. */
export interface TmpfsMount {
  readonly kind: "tmpfs";
  readonly dest: string;
  /** Size limit in bytes; 0 is the engine's default. */
  readonly size: number;
}

/** A secret as a file. */
export interface SecretMount extends SecretRef {
  readonly kind: "secret";
  readonly dest: string;
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
}

/** An ssh agent socket. */
export interface SshMount extends SshRef {
  readonly kind: "ssh";
  readonly dest: string;
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
}

/** Any mount of an exec step. The root mount is always a bind at `/`. */
export type ExecMount = BindMount | CacheMount | TmpfsMount | SecretMount | SshMount;

/** A secret exposed as an environment variable. */
export interface SecretEnv extends SecretRef {
  readonly name: string;
}

/** A process run in a container. */
export interface ExecNode extends NodeBase {
  readonly kind: "exec";
  readonly args: readonly string[];
  readonly env: readonly string[];
  readonly cwd: string;
  readonly user: string;
  readonly platform: Platform;
  /** Bind, cache and tmpfs mounts, sorted by dest; then secret and ssh mounts in declaration order. */
  readonly mounts: readonly ExecMount[];
  /** Env, cwd and user to take from the base image config; `env` then overrides by name. */
  readonly inherit?: InheritedConfig;
  /** Mount targets written relative to a working directory that builds on the base image's. */
  readonly baseRelativeMounts?: readonly string[];
  /** Values of `env` that use the base image's env, filled in once it is resolved. */
  readonly baseEnv?: Readonly<Record<string, EnvTemplate>>;
  readonly secretEnv: readonly SecretEnv[];
  readonly network: NetworkMode;
  readonly security: SecurityMode;
  readonly hostname: string;
  readonly extraHosts: readonly { readonly host: string; readonly ip: string }[];
  readonly ulimits: readonly Ulimit[];
  readonly cgroupParent: string;
  readonly proxyEnv?: ProxyEnv;
  /** Exit codes that count as success; absent means only 0. */
  readonly validExitCodes?: readonly number[];
  /** CDI devices (`vendor.com/class=name`) given to the step. */
  readonly devices?: readonly CdiDevice[];
}

/** A Container Device Interface device for a `run` step. */
export interface CdiDevice {
  readonly name: string;
  /** Run without it when the engine has no such device. */
  readonly optional: boolean;
}

/**
 * Whether two mount targets name the same directory (`/out` and `/out/` do).
 *
 * @example
 * ```ts
 * import { sameDest } from "./graph.ts";
 * sameDest("/out/", "/out"); // true
 * ```
 */
export function sameDest(a: string, b: string): boolean {
  const bare = (p: string) => p.length > 1 ? p.replace(/\/$/, "") : p;
  return bare(a) === bare(b);
}

/** Actions of a FileOp; each applies to the result of the previous one. */
export type FileAction = CopyAction | MkdirAction | MkfileAction | RmAction | SymlinkAction;

/** A user or group: a name resolved in the target's /etc/passwd or /etc/group, or a numeric id. */
export type Owner = { readonly name: string } | { readonly id: number };

/** File ownership to set. */
export interface Chown {
  readonly user: Owner;
  readonly group?: Owner;
}

/** Copy from another filesystem. */
/**
 * Where a file action's relative paths started: set when they were relative to
 * a working directory that builds on a base image's, which the engine resolves.
 */
export interface PathBases {
  /** For `dest` (copy) or `path` (mkdir, mkfile, rm). */
  readonly pathBase?: InheritedConfig;
  /** For a copy's `src`, in the source state. */
  readonly srcBase?: InheritedConfig;
}

export interface CopyAction extends PathBases {
  readonly kind: "copy";
  readonly source: Output | null;
  /** Absolute path inside `source`. */
  readonly src: string;
  /** Absolute path inside the target; a trailing `/` means "into this directory". */
  readonly dest: string;
  readonly followSymlink: boolean;
  readonly dirCopyContents: boolean;
  readonly createDestPath: boolean;
  readonly allowWildcard: boolean;
  readonly allowEmptyWildcard: boolean;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly chown?: Chown;
  /** Unix permission bits; -1 keeps the source's. */
  readonly mode: number;
  /** A symbolic mode (`u+x,go-w`), instead of `mode`. */
  readonly modeString?: string;
  /** Unix nanoseconds; -1 keeps the source's. */
  readonly timestamp: bigint;
  /** Replace a destination path whose type differs from the source's instead of failing. */
  readonly alwaysReplaceExistingDestPaths?: boolean;
  /** Paths that must be among those `include` selects, or the copy fails. */
  readonly requiredPaths?: readonly string[];
  /** Extract a tar archive source into `dest` (Dockerfile `ADD`). */
  readonly unpack?: boolean;
}

/** Create a symbolic link at `newpath` pointing at `oldpath`. */
export interface SymlinkAction extends PathBases {
  readonly kind: "symlink";
  /** The link's target, as written into the link (may be relative). */
  readonly oldpath: string;
  /** Absolute path of the link. */
  readonly newpath: string;
  readonly chown?: Chown;
  /** Unix nanoseconds; -1 is now. */
  readonly timestamp: bigint;
}

/** Create a directory. */
export interface MkdirAction extends PathBases {
  readonly kind: "mkdir";
  /** Owned by the base image's user, once known (a `workdir()` under a base image's USER). */
  readonly ownerBase?: InheritedConfig;
  readonly path: string;
  readonly mode: number;
  readonly parents: boolean;
  readonly chown?: Chown;
  /** Unix nanoseconds; -1 is now. */
  readonly timestamp: bigint;
}

/** Create a file with the given contents. */
export interface MkfileAction extends PathBases {
  readonly kind: "mkfile";
  readonly path: string;
  readonly mode: number;
  readonly data: Uint8Array;
  readonly chown?: Chown;
  /** Unix nanoseconds; -1 is now. */
  readonly timestamp: bigint;
}

/** Remove a path. */
export interface RmAction extends PathBases {
  readonly kind: "rm";
  readonly path: string;
  readonly allowNotFound: boolean;
  readonly allowWildcard: boolean;
}

/** File actions applied in order to `base`. */
export interface FileNode extends NodeBase {
  readonly kind: "file";
  readonly base: Output | null;
  readonly actions: readonly FileAction[];
  /** Never chained with neighbouring file steps (a `workdir()` mkdir, as the frontend's WORKDIR). */
  readonly ownOp?: boolean;
  /** Where each action was made in build.ts (same length as `actions`). */
  readonly actionLocations?: readonly (SourceLocation | undefined)[];
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
  /**
   * How states built on the result name the image config the frontend returns with it
   * (their `inherit`), so later steps start from it as `FROM <stage>` would.
   */
  readonly config?: InheritedConfig;
}

/**
 * A named build context: `context()`. It is `input` unless the build replaces it by name
 * (`--build-context NAME=...`, `build()`'s `contexts`); the lowering makes no op of its own.
 */
export interface ContextNode extends NodeBase {
  readonly kind: "context";
  /** The name overrides use. */
  readonly contextName: string;
  /** The default filesystem; `null` is the empty one. */
  readonly input: Output | null;
  /**
   * When the default inherits a base config: the key states built on the context inherit instead
   * (`image` unique to this call), and the default's own.
   */
  readonly config?: { readonly alias: InheritedConfig; readonly default: InheritedConfig };
}
