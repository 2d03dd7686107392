/**
 * `build()`: the last line of a build.ts. Run as a program (`deno run -A
 * build.ts`, `bun build.ts`) it is a command-line tool: it parses arguments,
 * shows progress and exits with a status code. Imported from another program
 * it is a library call that returns results, throws typed errors and prints
 * nothing.
 *
 * @module
 */
import { dirname } from "node:path";
import process from "node:process";
import { callerLocation } from "../core/location.ts";
import { type BuildTargetsOptions, solveTargets, type TargetResult } from "../solve/build.ts";
import type { Targets } from "../solve/targets.ts";
import { isEntryPoint } from "./entry_point.ts";
import { processEnvironment } from "./environment.ts";
import { runProgram } from "./program.ts";
// Registers (without installing anything) the watch for DSL calls from a build.ts run as a program.
import "./top_level_errors.ts";

/** Options of {@link build}. */
export interface BuildOptions extends Omit<BuildTargetsOptions, "targets" | "location"> {
  /** Target(s) built when none is named on the command line. @default every target */
  default?: string | string[];
  /**
   * Behave as a command-line program (parse `argv`, print progress, exit).
   * @default true when the calling file is the program's entry point
   */
  cli?: boolean;
  /** Arguments in CLI mode. @default process.argv.slice(2) */
  argv?: readonly string[];
}

/**
 * Builds targets. In a build.ts run as a program, this is the whole CLI
 * (see `--help`); the process exits with 0 (built), 1 (build failed),
 * 2 (usage error) or 130 (interrupted).
 *
 * @example A build.ts
 * ```ts no-eval
 * import { build, image } from "@drydock/core";
 * const hello = image("busybox").run("echo hello");
 * await build({ hello: { state: hello, description: "says hello" } }, { default: "hello" });
 * ```
 * @example From another program
 * ```ts no-eval
 * import { build, image } from "@drydock/core";
 * const results = await build({ app: { state: image("busybox"), image: "app:dev" } }, { cli: false });
 * results.app.exporterResponse["containerimage.digest"];
 * ```
 */
export async function build(
  targets: Targets,
  options: BuildOptions = {},
): Promise<Record<string, TargetResult>> {
  const location = callerLocation();
  const cli = options.cli ?? isEntryPoint(location);
  const defaults = options.default === undefined ? undefined : [options.default].flat();
  // Paths written in build.ts mean the same wherever it is run from, as in local().
  const { default: _, cli: __, argv, ...rest } = options;
  // The process's configuration is read here, once, and passed down.
  const environment = processEnvironment({ env: options.env, argv });
  const withBase = { ...rest, base: options.base ?? (location ? dirname(location.file) : undefined) };
  if (!cli) return solveTargets(targets, { ...withBase, targets: defaults, location }, { environment });
  const code = await runProgram(targets, { ...withBase, defaults, location, environment });
  process.exit(code);
}
