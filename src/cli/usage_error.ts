/**
 * The error for a bad command line.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";

/**
 * A bad command line; the CLI prints its one-line message and exits with status 2.
 *
 * @example
 * ```ts
 * import { UsageError } from "./usage_error.ts";
 * throw new UsageError("unknown flag --tagret; did you mean --target?");
 * ```
 */
export class UsageError extends DrydockError {
  override name = "UsageError";
  constructor(message: string) {
    super("E_USAGE", message);
  }
}
