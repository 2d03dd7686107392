/**
 * Option types of the source calls (`image`, `local`, `git`, `http`) and of the
 * composition calls (`merge`, `diff`), with the zod schemas that
 * check them at run time.
 *
 * @module
 */
import { z } from "zod";
import type { Secret, SshAgent } from "./secrets.ts";

/** How the engine finds an image: `default` as it likes, `pull` always from the registry, `local` from its store first. */
export type ResolveMode = "default" | "pull" | "local";

/** Options of {@link image}. */
export interface ImageOptions {
  /** Platform of the image to use. @default the client's platform, linux */
  platform?: string;
  /** Where the engine looks for the image. @default "default" */
  resolveMode?: ResolveMode;
}

/** Options of {@link local}. */
export interface LocalOptions {
  /** Only send paths matching these patterns (`.dockerignore` syntax). */
  include?: string[];
  /** Never send paths matching these patterns (`.dockerignore` syntax); added after `.dockerignore`'s. */
  exclude?: string[];
  /** Send only these paths (and what symlinks among them point to). */
  followPaths?: string[];
  /** Groups uploads the engine may diff against each other; directories with the same hint share it. */
  sharedKeyHint?: string;
  /** Apply `.dockerignore` in the directory, as Docker does. @default true */
  dockerignore?: boolean;
}

/** Options of {@link git}. */
export interface GitOptions {
  /** Branch, tag or commit. @default the remote's default branch */
  ref?: string;
  /** Only this directory of the repository. Needs BuildKit 0.13. */
  subdir?: string;
  /** Keep the `.git` directory in the result. @default false */
  keepGitDir?: boolean;
  /**
   * The secret holding a token for HTTP(S) remotes: a `secret()` (served by this build) or
   * the id of one given on the command line. @default "GIT_AUTH_TOKEN"
   */
  authTokenSecret?: string | Secret;
  /** Like `authTokenSecret`, holding a full `Authorization` header. @default "GIT_AUTH_HEADER" */
  authHeaderSecret?: string | Secret;
  /** `known_hosts` lines for SSH remotes. */
  knownSshHosts?: string;
  /** The SSH agent used for SSH remotes: an `ssh()` agent or its id. @default "default" */
  sshSocket?: string | SshAgent;
}

/** Owner of a downloaded file. */
export interface Owner {
  uid: number;
  gid: number;
}

/** Options of {@link http}. */
export interface HttpOptions {
  /** Fail unless the download has this digest (`sha256:…`). */
  checksum?: string;
  /** Name of the file in the result. @default the last part of the URL */
  filename?: string;
  /** Permission bits of the file. @default 0o644 */
  chmod?: number;
  /** Owner of the file. @default root */
  chown?: Owner;
}

const nonEmpty = z.string().min(1, "must not be empty");
const patterns = z.array(nonEmpty, { error: "must be an array of patterns" });
const id = z.number().int("must be an integer").min(0, "must be at least 0").max(2 ** 32 - 1, "is too large");

/** `os/arch[/variant]`, as OCI writes it. */
export const platformString = z.string().regex(
  /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/,
  'must look like "linux/amd64" or "linux/arm64/v8"',
);

const secretOrId = z.union([
  nonEmpty,
  z.custom<Secret>((v) => (v as Secret | null)?.kind === "secret"),
], { error: "must be a secret() or its id" });

export const sourceSchemas = {
  image: z.strictObject({
    platform: platformString.optional(),
    resolveMode: z.enum(["default", "pull", "local"], { error: 'must be "default", "pull" or "local"' })
      .optional(),
  }),
  local: z.strictObject({
    include: patterns.optional(),
    exclude: patterns.optional(),
    followPaths: patterns.optional(),
    sharedKeyHint: nonEmpty.optional(),
    dockerignore: z.boolean().optional(),
  }),
  gitUrl: nonEmpty.refine((s) => !/\s/.test(s), { message: "must not contain spaces" })
    .refine((s) => !s.includes("#"), {
      message: 'must not have a "#fragment"; use the ref and subdir options',
    }),
  git: z.strictObject({
    ref: nonEmpty.refine((s) => !s.includes(":") && !s.includes("#"), {
      message: 'must not contain ":" or "#"',
    }).optional(),
    subdir: nonEmpty.refine((s) => !s.includes("#"), { message: 'must not contain "#"' }).optional(),
    keepGitDir: z.boolean().optional(),
    authTokenSecret: secretOrId.optional(),
    authHeaderSecret: secretOrId.optional(),
    knownSshHosts: nonEmpty.optional(),
    sshSocket: z.union([
      nonEmpty,
      z.custom<SshAgent>((v) => (v as SshAgent | null)?.kind === "ssh"),
    ], { error: "must be an ssh() agent or its id" }).optional(),
  }),
  httpUrl: z.string().refine((s) => /^https?:\/\/[^/\s]+/.test(s), {
    message: "must be an http:// or https:// URL",
  }),
  http: z.strictObject({
    checksum: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must look like "sha256:<64 hex digits>"').optional(),
    filename: nonEmpty.refine((s) => !s.includes("/") && s !== "." && s !== "..", {
      message: "must be a file name, not a path",
    }).optional(),
    chmod: z.number().int("must be an integer").min(0, "must be at least 0").max(
      0o777,
      "must be at most 0o777",
    )
      .optional(),
    chown: z.strictObject({ uid: id, gid: id }).optional(),
  }),
};

/**
 * JSON as Go's `encoding/json` writes it (HTML-safe escapes), so attrs match
 * what Go's llb would send byte for byte.
 *
 * @example
 * ```ts
 * import { goJson } from "./source_options.ts";
 * goJson(["a<b"]); // '["a\\u003cb"]'
 * ```
 */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
