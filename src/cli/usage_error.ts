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
 * import { DrydockError, UsageError } from "@drydock/core";
 * const err = new UsageError("unknown flag --tagret; did you mean --target?");
 * err instanceof DrydockError && err.code; // "E_USAGE"
 * ```
 */
export class UsageError extends DrydockError {
  /** The class name, shown before the message in stack traces. */
  override name = "UsageError";
  /**
   * For a wrapper's own argument checks: the CLI reports it like its own (one line, exit status 2).
   *
   * @param message One line saying what is wrong, naming the flag.
   */
  constructor(message: string) {
    super("E_USAGE", message);
  }
}
