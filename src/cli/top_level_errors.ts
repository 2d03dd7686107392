/**
 * Errors nobody caught, reported the way the CLI reports its own: a Deno
 * permission error becomes a one-line hint, and a drydock error raised by a
 * DSL call at the top of build.ts (a bad option, before `build()` runs) gets
 * its code frame instead of the runtime's stack trace.
 *
 * Importing drydock installs nothing process-wide: the handler is installed
 * by the `drydock` command before it runs a build.ts, or at the first DSL call
 * made from the program's entry file (a build.ts run with `deno run`/`bun`).
 *
 * @module
 */
import process from "node:process";
import { DrydockError, isUsageError } from "../core/errors.ts";
import { observeCallerLocations, type SourceLocation } from "../core/location.ts";
import { isEntryPoint } from "./entry_point.ts";
import { permissionHint } from "./permission_hint.ts";
import { EXIT, formatError } from "./report.ts";

/**
 * The report and exit status for an uncaught error, or `undefined` when it is
 * not drydock's to report (the runtime's own report is kept then).
 *
 * @example
 * ```ts
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

let installed = false;

/**
 * Takes over uncaught errors for a program: drydock's errors and Deno
 * permission errors are reported as the CLI reports them, with exit status 2
 * (usage) or 1; other errors are reported as the runtime would. Installs once.
 *
 * @example
 * ```ts
 * import { installTopLevelErrorHandler } from "./top_level_errors.ts";
 * // In a program's entry, before importing the build.ts it runs:
 * installTopLevelErrorHandler();
 * ```
 */
export function installTopLevelErrorHandler(): void {
  if (installed) return;
  installed = true;
  observeCallerLocations(undefined);
  if (typeof (globalThis as { Deno?: unknown }).Deno !== "undefined") {
    // Deno lets a listener take over just the errors it claims.
    globalThis.addEventListener("unhandledrejection", (e) => {
      if (exitWith((e as PromiseRejectionEvent).reason)) e.preventDefault();
    });
    globalThis.addEventListener("error", (e) => {
      if (exitWith((e as ErrorEvent).error)) e.preventDefault();
    });
    return;
  }
  // Bun and Node have no per-error opt-out: claim drydock's errors, report the rest as the runtime would.
  const onUncaught = (err: unknown) => {
    if (exitWith(err)) return;
    process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(EXIT.failed);
  };
  process.on("uncaughtException", onUncaught);
  process.on("unhandledRejection", onUncaught);
}

/**
 * True once the handler is installed (by the `drydock` command or a DSL call
 * from the program's entry file).
 *
 * @example
 * ```ts
 * import { topLevelErrorHandlerInstalled } from "./top_level_errors.ts";
 * topLevelErrorHandlerInstalled(); // false in a program that only imports drydock
 * ```
 */
export function topLevelErrorHandlerInstalled(): boolean {
  return installed;
}

function exitWith(err: unknown): boolean {
  const report = topLevelReport(err);
  if (!report) return false;
  process.stderr.write(report.text);
  process.exit(report.exitCode);
}

// A DSL call from the entry file means build.ts runs as a program. Each file is checked once.
const checked = new Set<string>();
function onDslCall(location: SourceLocation): void {
  if (checked.has(location.file)) return;
  checked.add(location.file);
  if (isProgram(process.argv[1]) && isEntryPoint(location)) installTopLevelErrorHandler();
}
observeCallerLocations(onDslCall);

// A script run as a program, not a test file under a test runner (`bun test` puts the test file there).
function isProgram(main: string | undefined): boolean {
  return !!main && /\.[cm]?[jt]sx?$/.test(main) && !/[._-](test|spec)\.[cm]?[jt]sx?$/.test(main);
}
