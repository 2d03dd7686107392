/**
 * Option types of the DSL calls. Types catch what they can at compile time; the zod schemas in
 * `option_schemas.ts` catch the rest at run time.
 *
 * @module
 */
import type { NetworkMode, SecurityMode } from "./step_settings.ts";
import type { CacheMountSpec, TmpfsMountSpec } from "./mount_specs.ts";
import type { Secret, SshAgent } from "./secrets.ts";
import type { StateBase } from "./state_base.ts";

/** Options of {@link State.run}. */
export interface RunOptions {
  /** Name shown in progress instead of the command. */
  name?: string;
  /** Extra environment for this step only. */
  env?: Record<string, string>;
  /** Working directory for this step only; relative paths join the state's. */
  workdir?: string;
  /** User for this step only (`name`, `uid`, `uid:gid`). */
  user?: string;
  /**
   * Extra filesystems, by mount path (relative paths join the working directory):
   * a state (writable; its result is `.mount(path)` of the returned state),
   * `{ from, path, readonly }`, `cache(...)`, `tmpfs(...)`, or a secret as a file.
   */
  mounts?: Record<string, MountValue>;
  /** Secrets as environment variables, by variable name. */
  secrets?: Record<string, Secret | SecretEnvOptions>;
  /** SSH agents to forward; the first one's socket is `$SSH_AUTH_SOCK`. */
  ssh?: SshAgent | SshMountOptions | (SshAgent | SshMountOptions)[];
  /** Network for this step only. @default the state's, "sandbox" */
  network?: NetworkMode;
  /** Security mode for this step only; "insecure" needs the engine's permission. @default the state's, "sandbox" */
  security?: SecurityMode;
  /** Run even when a cached result exists. @default false */
  ignoreCache?: boolean;
  /** Show this step in a progress group of that name. */
  group?: string;
  /** Exit codes that count as success (e.g. `[0, 1]`). Needs BuildKit 0.17+ (Docker 27.3+). @default [0] */
  validExitCodes?: number[];
  /**
   * CDI devices for the step: a name (`"vendor.com/gpu=0"`, `"vendor.com/gpu=all"`) or
   * `{ name, optional }`. Needs BuildKit 0.20+ (Docker 28+) and devices configured in the engine.
   */
  devices?: (string | CdiDeviceOptions)[];
}

/** A CDI device of a `run` step. */
export interface CdiDeviceOptions {
  /** The device's CDI name: `vendor.com/class=name`, or `=all` for every device of the class. */
  name: string;
  /** Run without it when the engine has no such device. @default false */
  optional?: boolean;
}

/** A bind mount of another state's filesystem. */
export interface BindMountOptions {
  /** The state to mount. */
  from: StateBase;
  /** A path inside `from` to mount instead of its root (relative to its working directory). */
  path?: string;
  /** Mount read-only; then the mount has no result. @default false */
  readonly?: boolean;
  /**
   * Writable, but what the step writes there is thrown away (no result), as a
   * Dockerfile `RUN --mount=type=bind,rw`. @default false
   */
  discard?: boolean;
}

/** A secret mounted as a file. */
export interface SecretMountOptions {
  /** The secret, from `secret()`. */
  secret: Secret;
  /** Owner of the file. @default 0 */
  uid?: number;
  /** Group of the file. @default 0 */
  gid?: number;
  /** Permission bits of the file. @default 0o400 */
  mode?: number;
  /** Run without the file when the secret is not provided. @default false */
  optional?: boolean;
}

/** A secret as an environment variable. */
export interface SecretEnvOptions {
  /** The secret, from `secret()`. */
  secret: Secret;
  /** Run without the variable when the secret is not provided. @default false */
  optional?: boolean;
}

/** An ssh agent socket in a `run` step. */
export interface SshMountOptions {
  /** The agent, from `ssh()`. */
  agent: SshAgent;
  /** Socket path in the container. @default /run/buildkit/ssh_agent.N */
  target?: string;
  /** Owner of the socket. @default 0 */
  uid?: number;
  /** Group of the socket. @default 0 */
  gid?: number;
  /** Permission bits of the socket. @default 0o600 */
  mode?: number;
  /** Run without the socket when the agent is not provided. @default false */
  optional?: boolean;
}

/** What `run()` can mount at a path. */
export type MountValue =
  | StateBase
  | BindMountOptions
  | CacheMountSpec
  | TmpfsMountSpec
  | Secret
  | SecretMountOptions;

/**
 * An owner for files: `"user"`, `"user:group"` (names are looked up in the
 * target's /etc/passwd and /etc/group), a numeric uid, or `{ user, group }`.
 */
export type ChownValue = string | number | { user: string | number; group?: string | number };

/** A file time: a Date or milliseconds since 1970. */
export type TimestampValue = Date | number;

/** Options of {@link State.mkdir}. */
export interface MkdirOptions {
  /** Permission bits. @default 0o755 */
  mode?: number;
  /** Create missing parents, like `mkdir -p`. @default true */
  parents?: boolean;
  /** Owner of the new directories. @default root */
  chown?: ChownValue;
  /** Modification time. @default now */
  timestamp?: TimestampValue;
  /** Name shown in progress. */
  name?: string;
}

/** Options of {@link State.mkfile}. */
export interface MkfileOptions {
  /** Permission bits. @default 0o644 */
  mode?: number;
  /** Owner of the file. @default root */
  chown?: ChownValue;
  /** Modification time. @default now */
  timestamp?: TimestampValue;
  /** Name shown in progress. */
  name?: string;
}

/** Options of {@link State.rm}. */
export interface RmOptions {
  /** Succeed when the path does not exist. @default false */
  allowNotFound?: boolean;
  /** Treat the path as a glob pattern (`*.log`). @default false */
  allowWildcard?: boolean;
  /** Name shown in progress. */
  name?: string;
}

/**
 * Options of {@link State.copy}. The defaults are those of a Dockerfile `COPY`,
 * so the same copy shares its cache with a Dockerfile build.
 */
export interface CopyOptions {
  /** Copy only paths matching these patterns (`**\/*.go`). Needs BuildKit 0.13 (Docker 25+). */
  include?: string[];
  /** Skip paths matching these patterns. Needs BuildKit 0.13 (Docker 25+). */
  exclude?: string[];
  /** Copy what a symlink given as source points at, not the link. @default true */
  followSymlinks?: boolean;
  /** For a directory source, copy its contents, not the directory itself. @default true */
  contentsOnly?: boolean;
  /** Create missing parent directories of the destination. @default true */
  createDestPath?: boolean;
  /** Treat sources as glob patterns. @default true */
  allowWildcard?: boolean;
  /** Succeed when a pattern matches nothing. @default true */
  allowEmptyWildcard?: boolean;
  /** Owner of the copied files. @default the source files' owners */
  chown?: ChownValue;
  /**
   * Permission bits of the copied files, or a symbolic mode (`"u+x,go-w"`, as `chmod`; needs an engine
   * with the `file.copy.modestring` cap). @default the source files' modes
   */
  chmod?: number | string;
  /** Modification time of the copied files. @default the source files' times */
  timestamp?: TimestampValue;
  /** Extract a local tar archive (gzip, bzip2, xz) into `dest`, as a Dockerfile `ADD` does. @default false */
  unpack?: boolean;
  /**
   * Copy into an empty layer merged onto this state, as `COPY --link`: the
   * copy's cache does not depend on what is below. Needs BuildKit 0.10 (Docker 23+). @default false
   */
  link?: boolean;
  /** Name shown in progress. */
  name?: string;
  /** Replace a destination path of another type (a file where a directory goes) instead of failing. */
  alwaysReplaceExistingDestPaths?: boolean;
  /** With `include`: these paths must be among those copied, or the copy fails. */
  requiredPaths?: string[];
}

/** Options of {@link State.symlink}. */
export interface SymlinkOptions {
  /** Owner of the link. @default root */
  chown?: ChownValue;
  /** Modification time. @default now */
  timestamp?: TimestampValue;
  /** Name shown in progress. */
  name?: string;
}

/** Image settings kept with a state and written into an exported image's config. */
export interface ImageConfigOptions {
  /** Replaces the entrypoint. */
  entrypoint?: string[];
  /** Replaces the default command. */
  cmd?: string[];
  /** Labels added to the image. */
  labels?: Record<string, string>;
  /** Ports to expose: `8080`, `"8080/tcp"`, `"53/udp"`. */
  expose?: (number | string)[];
  /** Environment for the image and later steps, as {@link State.env}. */
  env?: Record<string, string>;
  /** Working directory for the image and later steps, as {@link State.workdir}. */
  workdir?: string;
  /** User for the image and later steps, as {@link State.user}. */
  user?: string;
  /** Mount points for anonymous volumes, e.g. `/data`. */
  volumes?: string[];
  /** Signal `docker stop` sends, e.g. `SIGTERM` or `9`. */
  stopSignal?: string;
  /** How to check the container is healthy, or `"none"` to disable an inherited check. */
  healthcheck?: HealthcheckOptions | "none";
  /** The shell for string commands of later steps and the image, as {@link State.shell}. */
  shell?: string[];
  /** Dockerfile instructions an image built `FROM` this one runs first (Dockerfile `ONBUILD`); added. */
  onbuild?: string[];
}

/** Options of a container healthcheck. Durations are Go-style strings (`30s`, `1m30s`) or seconds. */
export interface HealthcheckOptions {
  /** A shell command (`CMD-SHELL`) or an argv array (`CMD`). */
  test: string | string[];
  /** Time between checks. @default "30s" */
  interval?: string | number;
  /** Time after which one check fails. @default "30s" */
  timeout?: string | number;
  /** Grace period after start in which failures don't count. @default "0s" */
  startPeriod?: string | number;
  /** Time between checks during the start period. @default "5s" */
  startInterval?: string | number;
  /** Consecutive failures before unhealthy. @default 3 */
  retries?: number;
}

export type { ImageOptions, LocalOptions } from "./source_options.ts";
