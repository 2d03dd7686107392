/**
 * The error of a malformed `.dockerignore`-style pattern, thrown while parsing and while compiling one.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";

/** A pattern that cannot be parsed (unclosed `[`, a trailing `\`, a bare `!`...). */
export class PatternError extends DrydockError {
  override name = "PatternError";
  constructor(message: string) {
    super("E_PATTERN", message);
  }
}
