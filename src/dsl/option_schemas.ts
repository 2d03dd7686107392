/**
 * The zod schemas that check the DSL calls' options at run time: they catch what types cannot (values from
 * env, JSON, `any`) with messages that name the option, and each is checked against its options interface.
 *
 * @module
 */
import { isIP } from "node:net";
import { z } from "zod";
import type { SchemaMatches } from "../core/validate.ts";
import { platformSchema } from "../core/platform.ts";
import type {
  CopyOptions,
  MkdirOptions,
  MkfileOptions,
  MountValue,
  RmOptions,
  RunOptions,
  SecretEnvOptions,
  SymlinkOptions,
} from "./options.ts";
import type { Secret } from "./secrets.ts";
import { nonEmptyString } from "./text_schemas.ts";

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

/** The resource limit names `ulimit()` accepts (`RLIMIT_` names in lower case, as Docker's `--ulimit`). */
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
