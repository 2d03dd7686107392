/**
 * Errors raised while describing a build: bad options, bad references.
 *
 * @module
 */
import { formatLocation, type SourceLocation } from "./location.ts";

/**
 * A user-facing error from drydock, with a stable code for programs to match on.
 *
 * @example
 * ```ts
 * import { DrydockError } from "./errors.ts";
 * try { throw new DrydockError("E_EXAMPLE", "something went wrong") } catch (e) {
 *   if (e instanceof DrydockError) console.log(e.code);
 * }
 * ```
 */
export class DrydockError extends Error {
  override name = "DrydockError";
  constructor(readonly code: string, message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** One problem with one option of a DSL call. */
export interface OptionProblem {
  /** The option's path, e.g. `mounts./cache.sharing`; empty for the call's main argument. */
  readonly option: string;
  readonly message: string;
}

/**
 * A DSL call got a value it cannot use. The message names the call, each bad option
 * and the build.ts line that made the call.
 *
 * @example
 * ```ts
 * import { OptionError } from "./errors.ts";
 * const err = new OptionError("image", [{ option: "ref", message: "must not be empty" }], undefined);
 * err.message; // 'image(): option "ref" must not be empty'
 * ```
 */
export class OptionError extends DrydockError {
  override name = "OptionError";
  constructor(
    readonly call: string,
    readonly problems: readonly OptionProblem[],
    readonly location: SourceLocation | undefined,
  ) {
    super("E_OPTION", formatOptionMessage(call, problems, location));
  }
}

function formatOptionMessage(
  call: string,
  problems: readonly OptionProblem[],
  location: SourceLocation | undefined,
): string {
  const where = location ? ` (at ${formatLocation(location)})` : "";
  const lines = problems.map((p) => p.option ? `option "${p.option}" ${p.message}` : p.message);
  if (lines.length === 1) return `${call}(): ${lines[0]}${where}`;
  return `${call}(): ${lines.length} invalid options${where}\n` + lines.map((l) => `  - ${l}`).join("\n");
}
