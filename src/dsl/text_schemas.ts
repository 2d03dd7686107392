/**
 * The string schema every DSL module's options share, in a file of its own so that the secrets, mounts and
 * option schemas can all use it without importing each other.
 *
 * @module
 */
import { z } from "zod";

/** A string with at least one character. */
export const nonEmptyString = z.string().min(1, "must not be empty");
