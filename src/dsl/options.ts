/**
 * Option types of the DSL calls and the zod schemas that check them at run time.
 * Types catch what they can at compile time; schemas catch the rest (values from
 * env, JSON, `any`) with messages that name the option.
 *
 * @module
 */
import { isIP } from "node:net";
import { z } from "zod";
import type { SchemaMatches } from "../core/validate.ts";
import { platformSchema } from "../core/platform.ts";
import type { NetworkMode, SecurityMode } from "./graph.ts";
import type { CacheMountSpec, TmpfsMountSpec } from "./mounts.ts";
import type { Secret, SshAgent } from "./secrets.ts";
import type { State } from "./state.ts";

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
  name: string;
  /** Run without it when the engine has no such device. @default false */
  optional?: boolean;
}

/** A bind mount of another state's filesystem. */
export interface BindMountOptions {
  /** The state to mount. */
  from: State;
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
  secret: Secret;
  /** @default 0 */
  uid?: number;
  /** @default 0 */
  gid?: number;
  /** @default 0o400 */
  mode?: number;
  /** Run without the file when the secret is not provided. @default false */
  optional?: boolean;
}

/** A secret as an environment variable. */
export interface SecretEnvOptions {
  secret: Secret;
  /** Run without the variable when the secret is not provided. @default false */
  optional?: boolean;
}

/** An ssh agent socket in a `run` step. */
export interface SshMountOptions {
  agent: SshAgent;
  /** Socket path in the container. @default /run/buildkit/ssh_agent.N */
  target?: string;
  /** @default 0 */
  uid?: number;
  /** @default 0 */
  gid?: number;
  /** @default 0o600 */
  mode?: number;
  /** Run without the socket when the agent is not provided. @default false */
  optional?: boolean;
}

/** What `run()` can mount at a path. */
export type MountValue =
  | State
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

export const nonEmptyString = z.string().min(1, "must not be empty");

const envName = z.string().min(1, "must not be empty").refine((s) => !s.includes("="), {
  message: 'must not contain "="',
});

const path = z.string().min(1, "must not be empty").refine((s) => !s.includes("\0"), {
  message: "must not contain NUL",
});

const mode = z.number().int("must be an integer").min(0, "must be at least 0").max(
  0o7777,
  "must be at most 0o7777",
);

// Go's time.ParseDuration format, restricted to positive values; or seconds.
const duration = z.union([
  z.string().regex(
    /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/,
    'must be a duration like "30s", "1m30s" or "500ms"',
  ),
  z.number().min(0, "must be at least 0"),
]);
const id = z.number().int("must be an integer").min(0, "must be at least 0").max(
  0xffffffff,
  "must fit in 32 bits",
);

const owner = z.union([
  id,
  nonEmptyString.refine((s) => !s.includes(":"), { message: 'must not contain ":"' }),
], {
  error: "must be a user name or a numeric id",
});

// "user", "user:group", 1000, or { user, group }.
const chown = z.union([
  id,
  nonEmptyString.regex(/^[^:]+(:[^:]+)?$/, 'must be "user" or "user:group"'),
  z.strictObject({ user: owner, group: owner.optional() }),
], { error: 'must be "user", "user:group", a numeric id or { user, group }' });

const timestamp = z.union([
  z.date().refine((d) => !Number.isNaN(d.getTime()), { message: "must be a valid date" }),
  z.number().int("must be whole milliseconds").min(0, "must not be before 1970"),
], { error: "must be a Date or milliseconds since 1970" });

// chmod's symbolic syntax, as BuildKit parses it: [ugoa]*[+-=][rwxXst]*, comma separated.
const modeString = z.string().superRefine((s, ctx) => {
  if (/^[ugoa]*[-+=][rwxXst]*(,[ugoa]*[-+=][rwxXst]*)*$/.test(s)) return;
  ctx.addIssue({
    code: "custom",
    message: /^[0-7]+$/.test(s)
      ? `must be a number (0o${s}), not a string of digits`
      : 'must be a symbolic mode like "u+x,go-w"',
  });
});

// CDI qualified names: vendor.com/class=device (device may be "all" or "*"); or vendor.com/class.
const cdiName = z.string().regex(
  /^[a-zA-Z0-9][a-zA-Z0-9.-]*\/[a-zA-Z0-9][a-zA-Z0-9_.-]*(=[a-zA-Z0-9*][a-zA-Z0-9_.:*-]*)?$/,
  {
    message: 'must be a CDI device name like "vendor.com/gpu=0"',
  },
);

const networkMode = z.enum(["sandbox", "host", "none"], { error: 'must be "sandbox", "host" or "none"' });
const securityMode = z.enum(["sandbox", "insecure"], { error: 'must be "sandbox" or "insecure"' });

/** ulimit names the engine accepts (`RLIMIT_` names in lower case, as Docker's `--ulimit`). */
export const ULIMIT_NAMES = [
  "core",
  "cpu",
  "data",
  "fsize",
  "locks",
  "memlock",
  "msgqueue",
  "nice",
  "nofile",
  "nproc",
  "rss",
  "rtprio",
  "rttime",
  "sigpending",
  "stack",
] as const;

// A value run.ts checks itself, entry by entry; typed here so the schema's output is RunOptions.
const checkedLater = <T>() => z.custom<T>(() => true);

export const schemas = {
  envName,
  envValue: z.string(),
  path,
  user: nonEmptyString,
  command: z.union([
    nonEmptyString,
    z.array(z.string()).min(1, "must have at least one element"),
  ], { error: "must be a shell string or an argv array of strings" }),
  run: z.strictObject({
    name: nonEmptyString.optional(),
    env: z.record(envName, z.string()).optional(),
    workdir: path.optional(),
    user: nonEmptyString.optional(),
    // Entries are checked one by one in run.ts, so errors name the mount path.
    mounts: z.record(z.string(), checkedLater<MountValue>()).optional(),
    secrets: z.record(z.string(), checkedLater<Secret | SecretEnvOptions>()).optional(),
    ssh: checkedLater<NonNullable<RunOptions["ssh"]>>().optional(),
    network: networkMode.optional(),
    security: securityMode.optional(),
    ignoreCache: z.boolean().optional(),
    group: nonEmptyString.optional(),
    validExitCodes: z.array(
      z.number().int("must be integers").min(0, "must be at least 0").max(255, "must be at most 255"),
      { error: "must be an array of exit codes" },
    ).min(1, "must have at least one exit code").optional(),
    devices: z.array(z.union([cdiName, z.strictObject({ name: cdiName, optional: z.boolean().optional() })], {
      error: 'each device must be a CDI name like "vendor.com/gpu=0" or { name, optional }',
    })).optional(),
  }),
  mode,
  id,
  networkMode,
  securityMode,
  mkdir: z.strictObject({
    mode: mode.optional(),
    parents: z.boolean().optional(),
    chown: chown.optional(),
    timestamp: timestamp.optional(),
    name: nonEmptyString.optional(),
  }),
  mkfile: z.strictObject({
    mode: mode.optional(),
    chown: chown.optional(),
    timestamp: timestamp.optional(),
    name: nonEmptyString.optional(),
  }),
  rm: z.strictObject({
    allowNotFound: z.boolean().optional(),
    allowWildcard: z.boolean().optional(),
    name: nonEmptyString.optional(),
  }),
  copy: z.strictObject({
    include: z.array(nonEmptyString).optional(),
    exclude: z.array(nonEmptyString).optional(),
    followSymlinks: z.boolean().optional(),
    contentsOnly: z.boolean().optional(),
    createDestPath: z.boolean().optional(),
    allowWildcard: z.boolean().optional(),
    allowEmptyWildcard: z.boolean().optional(),
    chown: chown.optional(),
    chmod: z.union([mode, modeString], {
      error: 'must be permission bits (0o755) or a symbolic mode like "u+x,go-w"',
    }).optional(),
    timestamp: timestamp.optional(),
    unpack: z.boolean().optional(),
    link: z.boolean().optional(),
    name: nonEmptyString.optional(),
    alwaysReplaceExistingDestPaths: z.boolean().optional(),
    requiredPaths: z.array(path).min(1, "must have at least one path").optional(),
  }).refine((o) => !o.requiredPaths || (o.include?.length ?? 0) > 0, {
    message: "needs include patterns (the engine checks required paths only among them)",
    path: ["requiredPaths"],
  }),
  symlink: z.strictObject({
    chown: chown.optional(),
    timestamp: timestamp.optional(),
    name: nonEmptyString.optional(),
  }),
  hostname: z.string().regex(/^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,252}[a-zA-Z0-9])?$/, "must be a valid host name"),
  hostIp: z.string().refine((s) => isIP(s) !== 0, { message: "must be an IPv4 or IPv6 address" }),
  ulimitName: z.enum(ULIMIT_NAMES, { error: `must be one of ${ULIMIT_NAMES.join(", ")}` }),
  ulimitValue: z.number().int("must be an integer").min(-1, "must be at least -1 (unlimited)"),
  proxy: z.strictObject({
    httpProxy: z.string().optional(),
    httpsProxy: z.string().optional(),
    ftpProxy: z.string().optional(),
    noProxy: z.string().optional(),
  }),
  platform: platformSchema,
  // The engine caps requests at 4 MiB; big contents belong in a local() source.
  fileData: z.union([z.string(), z.instanceof(Uint8Array)], { error: "must be a string or a Uint8Array" })
    .refine((d) => byteLength(d) <= 1024 * 1024, {
      message: "is larger than 1 MiB; put big files in a local() directory and copy them instead",
    }),
  config: z.strictObject({
    env: z.record(envName, z.string()).optional(),
    workdir: path.optional(),
    user: nonEmptyString.optional(),
    volumes: z.array(path.refine((p) => p.startsWith("/"), { message: "must be an absolute path" }))
      .optional(),
    stopSignal: z.string().regex(/^(SIG[A-Z0-9+-]+|[0-9]+)$/, 'must look like "SIGTERM" or "15"').optional(),
    healthcheck: z.union([
      z.literal("none"),
      z.strictObject({
        test: z.union([nonEmptyString, z.array(z.string()).min(1, "must have at least one element")]),
        interval: duration.optional(),
        timeout: duration.optional(),
        startPeriod: duration.optional(),
        startInterval: duration.optional(),
        retries: z.number().int().min(0).optional(),
      }),
    ], { error: 'must be "none" or { test, interval?, timeout?, startPeriod?, startInterval?, retries? }' })
      .optional(),
    entrypoint: z.array(z.string()).optional(),
    cmd: z.array(z.string()).optional(),
    shell: z.array(nonEmptyString).min(1, "must have at least one element").optional(),
    onbuild: z.array(nonEmptyString).optional(),
    labels: z.record(nonEmptyString, z.string()).optional(),
    expose: z.array(
      z.union([
        z.number().int().min(1).max(65535),
        z.string().regex(/^\d{1,5}(\/(tcp|udp|sctp))?$/, 'must look like "8080", "8080/tcp" or "53/udp"'),
      ], { error: 'each port must be a number or a string like "8080/tcp"' }),
    ).optional(),
  }),
};

function byteLength(d: string | Uint8Array): number {
  return typeof d === "string" ? new TextEncoder().encode(d).byteLength : d.byteLength;
}

// Each schema checks exactly its options interface, so the two cannot drift apart (checked when compiling).
const _schemasMatchOptions: [
  SchemaMatches<typeof schemas.run, RunOptions>,
  SchemaMatches<typeof schemas.mkdir, MkdirOptions>,
  SchemaMatches<typeof schemas.mkfile, MkfileOptions>,
  SchemaMatches<typeof schemas.rm, RmOptions>,
  SchemaMatches<typeof schemas.copy, CopyOptions>,
  SchemaMatches<typeof schemas.symlink, SymlinkOptions>,
] = [true, true, true, true, true, true];
