/**
 * Secrets and ssh agents as values. Declaring one does no I/O: the solve reads
 * the sources (and finds the agents) just before it starts, and the session
 * serves them when the engine asks.
 *
 * @module
 */
import { z } from "zod";
import { callerLocation, type SourceLocation } from "../core/location.ts";
import { nonEmptyString } from "./text_schemas.ts";
import { validate } from "../core/validate.ts";

/** Secret contents, or a function that produces them when the engine asks. */
export type SecretValue =
  | string
  | Uint8Array
  | (() => string | Uint8Array | Promise<string | Uint8Array>);

/**
 * Where a secret's contents come from: an environment variable of the build
 * process, a file on the client (relative paths are relative to the build.ts
 * that declares it), or a value given in code.
 */
export type SecretSource = { readonly env: string } | { readonly file: string } | {
  readonly value: SecretValue;
};

/**
 * A secret the engine may ask for. Its contents never enter the LLB, logs,
 * progress or errors; only its id does.
 */
export interface Secret {
  /** Tells secrets from other mount values. */
  readonly kind: "secret";
  /** The id the engine asks the session for. */
  readonly id: string;
  /** `undefined`: it must be given on the command line (`--secret id=...`). */
  readonly source: SecretSource | undefined;
  /** The build.ts call that declared it. */
  readonly location: SourceLocation | undefined;
}

/** Options of {@link ssh}. */
export interface SshOptions {
  /** Path of an ssh-agent socket on the client. @default $SSH_AUTH_SOCK */
  socket?: string;
  /** Private key files to load into an agent made for this build. */
  keys?: string[];
}

/** An ssh agent the engine may forward into `run` steps or use to fetch sources. */
export interface SshAgent {
  /** Tells ssh agents from other values. */
  readonly kind: "ssh";
  /** The id the engine asks the session for. @default "default" */
  readonly id: string;
  /**
   * Declared without an id: `run` steps name it with the empty id, as Go's llb (and the Dockerfile
   * frontend for `--mount=type=ssh`) does, which the engine reads as "default".
   */
  readonly unnamed?: boolean;
  /** Path of the agent's socket on the client, when given. */
  readonly socket?: string;
  /** Private key files loaded into an agent made for the build, when given. */
  readonly keys?: readonly string[];
  /** The build.ts call that declared it. */
  readonly location: SourceLocation | undefined;
}

const secretValue = z.union([
  z.string(),
  z.instanceof(Uint8Array),
  z.custom<() => string | Uint8Array>((v) => typeof v === "function", "must be a function"),
], { error: "must be a string, a Uint8Array or a function returning one" });

const secretSource = z.union([
  z.strictObject({ env: nonEmptyString }),
  z.strictObject({ file: nonEmptyString }),
  z.strictObject({ value: secretValue }),
], { error: "must be { env: NAME }, { file: PATH } or { value: ... }" });

const secretId = nonEmptyString.refine((s) => !/[\s,=]/.test(s), {
  message: 'must not contain whitespace, "," or "="',
});

/**
 * Declares a secret by id, with where its contents come from. Mount it as a
 * file (`mounts: { "/run/secrets/npmrc": npmrc }`) or expose it as an env var
 * (`secrets: { NPM_TOKEN: token }`) in `run()`.
 *
 * @example
 * ```ts
 * import { image, secret } from "@drydock/core";
 * const token = secret("npm_token", { env: "NPM_TOKEN" });
 * const npmrc = secret("npmrc", { file: "./.npmrc" });
 * const built = image("busybox").run("cat /root/.npmrc >/dev/null && test -n \"$NPM_TOKEN\"", {
 *   mounts: { "/root/.npmrc": npmrc },
 *   secrets: { NPM_TOKEN: token },
 * });
 * ```
 */
export function secret(id: string, source?: SecretSource): Secret {
  const location = callerLocation();
  const i = validate("secret", "id", secretId, id, location);
  const s = source === undefined
    ? undefined
    : validate("secret", "source", secretSource, source, location) as SecretSource;
  return Object.freeze({ kind: "secret", id: i, source: s ? Object.freeze({ ...s }) : undefined, location });
}

/**
 * Declares an ssh agent to forward into `run` steps (`ssh: agent`) or to use
 * for git sources. Without options the session forwards `$SSH_AUTH_SOCK`.
 * Without an id it is the engine's `default` agent, which `run` steps name
 * with the empty id as Go's llb and `RUN --mount=type=ssh` do (same cache keys).
 *
 * @example
 * ```ts
 * import { image, ssh } from "@drydock/core";
 * const agent = ssh();
 * const deploy = ssh("deploy", { keys: ["./deploy_key"] });
 * const s = image("busybox").run("ls -l $SSH_AUTH_SOCK", { ssh: agent });
 * ```
 */
export function ssh(id?: string, options: SshOptions = {}): SshAgent {
  const location = callerLocation();
  const i = id === undefined ? "default" : validate("ssh", "id", secretId, id, location);
  const opts = validate(
    "ssh",
    "",
    z.strictObject({
      socket: nonEmptyString.optional(),
      keys: z.array(nonEmptyString).min(1, "must list at least one key file").optional(),
    }),
    options,
    location,
  );
  return Object.freeze({
    kind: "ssh",
    id: i,
    ...(id === undefined ? { unnamed: true } : {}),
    ...(opts.socket !== undefined ? { socket: opts.socket } : {}),
    ...(opts.keys !== undefined ? { keys: Object.freeze([...opts.keys]) } : {}),
    location,
  });
}

/**
 * Whether `v` is a {@link Secret} made by {@link secret}.
 *
 * @example
 * ```ts
 * import { isSecret, secret } from "./secrets.ts";
 * isSecret(secret("a")); // true
 * ```
 */
export function isSecret(v: unknown): v is Secret {
  return typeof v === "object" && v !== null && (v as Secret).kind === "secret" && "id" in v;
}

/**
 * Whether `v` is an {@link SshAgent} made by {@link ssh}.
 *
 * @example
 * ```ts
 * import { isSshAgent, ssh } from "./secrets.ts";
 * isSshAgent(ssh()); // true
 * ```
 */
export function isSshAgent(v: unknown): v is SshAgent {
  return typeof v === "object" && v !== null && (v as SshAgent).kind === "ssh" && "id" in v;
}
