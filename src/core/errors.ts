/**
 * Every error drydock lets a user see: one hierarchy under {@link DrydockError}, each with a code from
 * {@link ErrorCode} for programs to match on.
 *
 * @module
 */
import { formatLocation, type SourceLocation } from "./location.ts";

/**
 * The stable codes of drydock's errors. The first group means "the command line or build.ts is wrong"
 * ({@link USAGE_CODES}); the rest mean the build could not be done.
 */
export type ErrorCode =
  // The command line or build.ts is wrong.
  | "E_USAGE" // a bad command line
  | "E_OPTION" // a DSL call or build() option got a value it cannot use
  | "E_TARGET" // an unknown target name
  | "E_SPEC" // a flag's value (--output, --cache-to, --secret, --ssh ...) cannot be parsed
  // Reaching the engine.
  | "E_ADDRESS" // an engine address that cannot be used
  | "E_DOCKER_CONTEXT" // a docker context or buildx builder that cannot be used
  | "E_ENGINE_UNAVAILABLE" // no engine answered
  | "E_UPGRADE" // the engine refused the HTTP upgrade to gRPC or the session
  | "E_RPC" // an engine call failed (its gRPC status is in `grpcCode`)
  | "E_CAPABILITY" // the engine lacks a feature the build needs
  | "E_BUILDER" // a multi-node builder's node does not answer, or no node serves a platform
  // What the build needs from this machine.
  | "E_SECRET" // a secret cannot be read
  | "E_SSH" // an ssh agent cannot be reached
  | "E_SSH_AGENT" // an ssh agent for key files cannot be started
  | "E_SSH_KEY" // a key file cannot be loaded into an agent
  | "E_DOCKER_CONFIG" // Docker's config.json or DOCKER_AUTH_CONFIG is unreadable
  | "E_REGISTRY_AUTH" // a credential helper failed
  | "E_CREDENTIAL_HELPER_MISSING" // a configured credential helper is not installed
  | "E_CONTEXT" // a local() directory cannot be read or sent
  | "E_PATTERN" // a .dockerignore or include/exclude pattern cannot be parsed
  | "E_REFERENCE" // an image reference cannot be parsed
  | "E_GIT_URL" // a git remote cannot be parsed
  // The build itself.
  | "E_BUILD" // the engine failed a step
  | "E_FRONTEND_UNRESOLVED" // a frontend's steps were asked for outside a build
  | "E_FRONTEND_RESULT" // a frontend's result cannot be used (no definition, several platforms)
  | "E_DYNAMIC" // a dynamic target asked for what a running build cannot add (a secret, an entitlement ...)
  | "E_READ" // a dynamic target's read of a built file failed
  | "E_CONTAINER" // a build container (ctx.container()) failed or was used after its release
  | "E_TRANSFER" // a file transfer with the engine failed (or one side broke its protocol)
  | "E_CONTENT" // a local cache's content store refused an engine request
  | "E_UNSAFE_ENTRY" // an exported entry would escape its destination
  | "E_UNSUPPORTED_OUTPUT" // the engine cannot make this output
  | "E_UNSUPPORTED_CACHE" // the engine cannot import or export this cache
  | "E_PUSH" // pushing an image failed
  | "E_PERSIST" // a persisted cache mount's copy cannot be read or written (registry refused, file unwritable)
  | "E_EXPORT" // writing an export on this machine failed (the build was cancelled)
  | "E_ENGINE_LOST" // the engine closed the connection or stopped answering during a build
  | "E_INTERRUPTED"; // the build was cancelled (Ctrl-C, SIGTERM, SIGHUP or an abort signal)

/** Codes of errors that mean "the command line or build.ts is wrong": the CLI exits with status 2 for them. */
export const USAGE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "E_USAGE",
  "E_OPTION",
  "E_TARGET",
  "E_SPEC",
]);

/**
 * Whether `err` is a drydock error about the command line or build.ts rather than about the build.
 *
 * @example
 * ```ts
 * import { DrydockError, isUsageError } from "./errors.ts";
 * isUsageError(new DrydockError("E_TARGET", 'unknown target "x"')); // true
 * isUsageError(new Error("a bug")); // false
 * ```
 */
export function isUsageError(err: unknown): boolean {
  return err instanceof DrydockError && USAGE_CODES.has(err.code);
}

/** A message that may name build.ts locations: given the working directory, it shows them relative to it. */
export type ErrorMessage = string | ((cwd: string | undefined) => string);

/**
 * A user-facing error from drydock, with a stable code for programs to match on. Its `message` shows build.ts
 * locations as absolute paths; {@link DrydockError.describe} shows them relative to a working directory.
 *
 * @example
 * ```ts
 * import { DrydockError } from "@drydock/core";
 * try { throw new DrydockError("E_TARGET", 'unknown target "x"') } catch (e) {
 *   if (e instanceof DrydockError) console.log(e.code); // "E_TARGET"
 * }
 * ```
 */
export class DrydockError extends Error {
  /** The class name, shown before the message in stack traces. */
  override name = "DrydockError";
  #render: (cwd: string | undefined) => string;
  /**
   * Programs built on drydock may throw their own, with one of drydock's codes.
   *
   * @param code What kind of failure this is, for programs to match on.
   * @param message The text, or a function of the working directory when it names build.ts locations.
   * @param options `cause`: the lower-level error this one explains.
   */
  constructor(readonly code: ErrorCode, message: ErrorMessage, options?: ErrorOptions) {
    const render = typeof message === "string" ? () => message : message;
    super(render(undefined), options);
    this.#render = render;
  }

  /**
   * Passes the message through `rewrite` wherever it is shown (e.g. to mask secret values).
   *
   * @example
   * ```ts
   * import { DrydockError } from "@drydock/core";
   * const err = new DrydockError("E_BUILD", "echo hunter22 failed");
   * err.rewriteMessage((m) => m.replaceAll("hunter22", "***"));
   * err.describe(undefined); // "echo *** failed"
   * ```
   */
  rewriteMessage(rewrite: (message: string) => string): void {
    const render = this.#render;
    this.#render = (cwd) => rewrite(render(cwd));
    this.message = rewrite(this.message);
  }

  /**
   * The message with build.ts locations relative to `cwd` when that is shorter, as the CLI prints it.
   *
   * @example
   * ```ts
   * import { OptionError } from "@drydock/core";
   * const err = new OptionError("run", [{ option: "", message: "must not be empty" }], { file: "/w/build.ts", line: 3, column: 1 });
   * err.describe("/w"); // "run(): must not be empty (at build.ts:3:1)"
   * ```
   */
  describe(cwd: string | undefined): string {
    return this.#render(cwd);
  }
}

/** One problem with one option of a DSL call. */
export interface OptionProblem {
  /** The option's path, e.g. `mounts./cache.sharing`; empty for the call's main argument. */
  readonly option: string;
  /** What is wrong; a function when it names another build.ts location. */
  readonly message: ErrorMessage;
}

/**
 * A DSL call got a value it cannot use. The message names the call, each bad option
 * and the build.ts line that made the call.
 *
 * @example
 * ```ts
 * import { OptionError } from "@drydock/core";
 * const err = new OptionError("image", [{ option: "ref", message: "must not be empty" }], undefined);
 * err.message; // 'image(): option "ref" must not be empty'
 * ```
 */
export class OptionError extends DrydockError {
  /** The class name, shown before the message in stack traces. */
  override name = "OptionError";
  /**
   * The DSL's validation throws it; the message is made from `problems`.
   *
   * @param call The DSL call, e.g. `run` or `image`.
   * @param problems Each bad option and what is wrong with it.
   * @param location The build.ts line that made the call, when known.
   */
  constructor(
    readonly call: string,
    readonly problems: readonly OptionProblem[],
    readonly location: SourceLocation | undefined,
  ) {
    super("E_OPTION", (cwd) => formatOptionMessage(call, problems, location, cwd));
  }
}

function formatOptionMessage(
  call: string,
  problems: readonly OptionProblem[],
  location: SourceLocation | undefined,
  cwd: string | undefined,
): string {
  const where = location ? ` (at ${formatLocation(location, cwd)})` : "";
  const lines = problems.map((p) => {
    const text = typeof p.message === "string" ? p.message : p.message(cwd);
    return p.option ? `option "${p.option}" ${text}` : text;
  });
  if (lines.length === 1) return `${call}(): ${lines[0]}${where}`;
  return `${call}(): ${lines.length} invalid options${where}\n` + lines.map((l) => `  - ${l}`).join("\n");
}
