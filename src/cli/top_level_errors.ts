/**
 * Errors nobody caught, reported the way the CLI reports its own: a Deno
 * permission error becomes a one-line hint, and a drydock error raised by a
 * DSL call at the top of build.ts (a bad option, before `build()` runs) gets
 * its code frame instead of the runtime's stack trace. Installed when this
 * module is evaluated (mod.ts imports it first), so errors raised while
 * dependencies load are caught too.
 *
 * @module
 */
import process from "node:process";
import { DrydockError, isUsageError } from "../core/errors.ts";
import { permissionHint } from "./permission_hint.ts";
import { EXIT, formatError } from "./report.ts";

/**
 * The report and exit status for an uncaught error, or `undefined` when it is
 * not drydock's to report (the runtime's own report is kept then).
 *
 * @example
 * ```ts
 * import { OptionError } from "../core/errors.ts";
 * import { topLevelReport } from "./top_level_errors.ts";
 * topLevelReport(new Error("a bug")); // undefined
 * ```
 */
export function topLevelReport(err: unknown): { text: string; exitCode: number } | undefined {
  const hint = permissionHint(err);
  if (hint) return { text: `error: ${hint}\n`, exitCode: EXIT.usage };
  if (err instanceof DrydockError) {
    return {
      // An uncaught error comes with no build to take the environment from: the process is read here.
      text: formatError(err, { color: process.stderr.isTTY === true, cwd: process.cwd() }),
      exitCode: isUsageError(err) ? EXIT.usage : EXIT.failed,
    };
  }
  return undefined;
}

function exitWith(err: unknown): boolean {
  const report = topLevelReport(err);
  if (!report) return false;
  process.stderr.write(report.text);
  process.exit(report.exitCode);
}

if (typeof (globalThis as { Deno?: unknown }).Deno !== "undefined") {
  // Deno lets a listener take over just the errors it claims.
  globalThis.addEventListener("unhandledrejection", (e) => {
    if (exitWith((e as PromiseRejectionEvent).reason)) e.preventDefault();
  });
  globalThis.addEventListener("error", (e) => {
    if (exitWith((e as ErrorEvent).error)) e.preventDefault();
  });
} else if (isProgram(process.argv[1])) {
  // Bun and Node have no per-error opt-out: claim drydock's errors, report the rest as the runtime would.
  const onUncaught = (err: unknown) => {
    if (exitWith(err)) return;
    process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(EXIT.failed);
  };
  process.on("uncaughtException", onUncaught);
  process.on("unhandledRejection", onUncaught);
}

// A script run as a program, not a test file under a test runner (`bun test` puts the test file there).
function isProgram(main: string | undefined): boolean {
  return !!main && /\.[cm]?[jt]sx?$/.test(main) && !/[._-](test|spec)\.[cm]?[jt]sx?$/.test(main);
}
