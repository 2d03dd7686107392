/**
 * The error of a malformed `.dockerignore`-style pattern, thrown while parsing and while compiling one.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";

/** A pattern that cannot be parsed (unclosed `[`, a trailing `\`, a bare `!`...). */
export class PatternError extends DrydockError {
  /** The class name, shown before the message in stack traces. */
  override name = "PatternError";
  /**
   * `PatternMatcher.from()` and the `.dockerignore` readers throw it.
   *
   * @param message What is wrong, naming the pattern.
   */
  constructor(message: string) {
    super("E_PATTERN", message);
  }
}
