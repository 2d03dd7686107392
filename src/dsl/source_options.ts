/**
 * Option types of the source calls (`image`, `local`, `git`, `http`) and of the
 * composition calls (`merge`, `diff`), with the zod schemas that
 * check them at run time.
 *
 * @module
 */
import { z } from "zod";
import { platformSchema } from "../core/platform.ts";
import type { Secret, SshAgent } from "./secrets.ts";

/** How the engine finds an image: `default` as it likes, `pull` always from the registry, `local` from its store first. */
export type ResolveMode = "default" | "pull" | "local";

/** Options of {@link image}. */
export interface ImageOptions {
  /** Platform of the image to use. @default the client's platform, linux */
  platform?: string;
  /** Where the engine looks for the image. @default "default" */
  resolveMode?: ResolveMode;
  /** Fail unless the image resolves to this digest (`sha256:…`). Needs the `source.image.checksum` cap (Docker 28+). */
  checksum?: string;
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
  /**
   * Send file metadata only (files arrive empty), except for paths matching `except`. For steps that
   * need the tree, not the contents. Needs the `source.local.metadatatransfer` cap (Docker 28+).
   */
  metadataOnly?: boolean | { except: string[] };
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
  /** Fail unless `ref` resolves to this commit (full hex). Needs the `source.git.checksum` cap (Docker 28+). */
  checksum?: string;
  /** Do not check out submodules. Needs the `source.git.skipsubmodules` cap (Docker 28+). @default false */
  skipSubmodules?: boolean;
}

/** Owner of a downloaded file. */
export interface Owner {
  /** Numeric user id. */
  uid: number;
  /** Numeric group id. */
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
  /** Request headers; the engine sends only `accept` and `user-agent`. Needs the `source.http.header` cap. */
  headers?: { accept?: string; "user-agent"?: string };
  /**
   * The secret holding the full `Authorization` header: a `secret()` or the id of one given on the
   * command line. Needs the `source.http.auth` cap (Docker 28+).
   */
  authHeaderSecret?: string | Secret;
}

const nonEmpty = z.string().min(1, "must not be empty");
const patterns = z.array(nonEmpty, { error: "must be an array of patterns" });
const id = z.number().int("must be an integer").min(0, "must be at least 0").max(2 ** 32 - 1, "is too large");

/** `os/arch[/variant]`, as OCI writes it. */
export const platformString = platformSchema;

const sha256 = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must look like "sha256:<64 hex digits>"');

const secretOrId = z.union([
  nonEmpty,
  z.custom<Secret>((v) => (v as Secret | null)?.kind === "secret"),
], { error: "must be a secret() or its id" });

export const sourceSchemas = {
  image: z.strictObject({
    platform: platformString.optional(),
    resolveMode: z.enum(["default", "pull", "local"], { error: 'must be "default", "pull" or "local"' })
      .optional(),
    checksum: sha256.optional(),
  }),
  local: z.strictObject({
    include: patterns.optional(),
    exclude: patterns.optional(),
    followPaths: patterns.optional(),
    sharedKeyHint: nonEmpty.optional(),
    dockerignore: z.boolean().optional(),
    metadataOnly: z.union([z.boolean(), z.strictObject({ except: patterns })], {
      error: "must be true, false or { except: [patterns] }",
    }).optional(),
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
    checksum: z.string().regex(
      /^([0-9a-f]{40}|[0-9a-f]{64})$/,
      "must be a full commit hash (40 or 64 hex digits)",
    )
      .optional(),
    skipSubmodules: z.boolean().optional(),
  }),
  httpUrl: z.string().refine((s) => /^https?:\/\/[^/\s]+/.test(s), {
    message: "must be an http:// or https:// URL",
  }),
  http: z.strictObject({
    checksum: sha256.optional(),
    filename: nonEmpty.refine((s) => !s.includes("/") && s !== "." && s !== "..", {
      message: "must be a file name, not a path",
    }).optional(),
    chmod: z.number().int("must be an integer").min(0, "must be at least 0").max(
      0o777,
      "must be at most 0o777",
    )
      .optional(),
    chown: z.strictObject({ uid: id, gid: id }).optional(),
    // The engine drops every other header silently: refuse them here.
    headers: z.strictObject({ accept: nonEmpty.optional(), "user-agent": nonEmpty.optional() }, {
      error: 'must be { accept?, "user-agent"? } (the engine sends no other header)',
    }).optional(),
    authHeaderSecret: secretOrId.optional(),
  }),
};
