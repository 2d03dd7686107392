/**
 * How the CLI reports failures: one readable paragraph, no stack trace.
 *
 * @module
 */
import { DrydockError } from "../dsl/errors.ts";

/** Exit statuses of a build.ts run as a program. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/**
 * The text printed for an error: drydock errors as their message, anything
 * else (a bug) with its stack so it can be reported.
 *
 * @example
 * ```ts
 * import { formatError } from "./report.ts";
 * import { DrydockError } from "../dsl/errors.ts";
 * formatError(new DrydockError("E_X", "it broke")); // "error: it broke\n"
 * ```
 */
export function formatError(err: unknown): string {
  if (err instanceof DrydockError) return `error: ${err.message}\n`;
  if (err instanceof Error) return `error: ${err.message}\n${err.stack ?? ""}\n`;
  return `error: ${String(err)}\n`;
}
