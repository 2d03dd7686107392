/**
 * Option types of the DSL calls and the zod schemas that check them at run time.
 * Types catch what they can at compile time; schemas catch the rest (values from
 * env, JSON, `any`) with messages that name the option.
 *
 * @module
 */
import { z } from "zod";

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
}

/** Options of {@link State.mkdir}. */
export interface MkdirOptions {
  /** Permission bits. @default 0o755 */
  mode?: number;
  /** Create missing parents, like `mkdir -p`. @default true */
  parents?: boolean;
}

/** Options of {@link State.mkfile}. */
export interface MkfileOptions {
  /** Permission bits. @default 0o644 */
  mode?: number;
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

/** Options of {@link image}. */
export interface ImageOptions {
  /** Platform of the image to use. @default the client's platform, linux */
  platform?: string;
}

/** Options of {@link local}. */
export type LocalOptions = Record<string, never>;

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
  }),
  mkdir: z.strictObject({ mode: mode.optional(), parents: z.boolean().optional() }),
  mkfile: z.strictObject({ mode: mode.optional() }),
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
    labels: z.record(nonEmptyString, z.string()).optional(),
    expose: z.array(
      z.union([
        z.number().int().min(1).max(65535),
        z.string().regex(/^\d{1,5}(\/(tcp|udp|sctp))?$/, 'must look like "8080", "8080/tcp" or "53/udp"'),
      ], { error: 'each port must be a number or a string like "8080/tcp"' }),
    ).optional(),
  }),
  image: z.strictObject({
    platform: z.string().regex(
      /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/,
      'must look like "linux/amd64" or "linux/arm64/v8"',
    )
      .optional(),
  }),
  local: z.strictObject({}),
};

function byteLength(d: string | Uint8Array): number {
  return typeof d === "string" ? new TextEncoder().encode(d).byteLength : d.byteLength;
}
