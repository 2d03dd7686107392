/**
 * `build()`: the last line of a build.ts. Run as a program (`deno run -A
 * build.ts`, `bun build.ts`) it is a command-line tool: it parses arguments,
 * shows progress and exits with a status code. Imported from another program
 * it is a library call that returns results and throws typed errors.
 *
 * @module
 */
import { realpathSync } from "node:fs";
import { dirname, resolve } from "node:path";
import process from "node:process";
import { callerLocation, type SourceLocation } from "../dsl/location.ts";
import { DrydockError } from "../dsl/errors.ts";
import { PlainRenderer } from "../progress/plain.ts";
import { buildTargets, type BuildTargetsOptions, type TargetResult, type Targets } from "../solve/build.ts";
import { parseCli, usage, UsageError } from "./args.ts";
import { EXIT, formatError } from "./report.ts";

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
 * Builds targets. In a build.ts run as a program, this is the whole CLI.
 *
 * @example
 * ```ts
 * import { build, image } from "../../mod.ts";
 * const hello = image("busybox").run("echo hello");
 * await build({ hello }, { default: "hello" });
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
  const withBase = { ...options, base: options.base ?? (location ? dirname(location.file) : undefined) };
  if (!cli) {
    return buildTargets(targets, { ...withBase, targets: defaults, location });
  }
  const code = await runCli(targets, withBase, defaults, location);
  process.exit(code);
}

async function runCli(
  targets: Targets,
  options: BuildOptions,
  defaults: string[] | undefined,
  location: SourceLocation | undefined,
): Promise<number> {
  const stderr = (text: string) => void process.stderr.write(text);
  let args;
  try {
    args = parseCli(options.argv ?? process.argv.slice(2), Object.keys(targets));
  } catch (err) {
    if (err instanceof UsageError) {
      stderr(`error: ${err.message}\nRun with --help for usage.\n`);
      return EXIT.usage;
    }
    throw err;
  }
  if (args.help) {
    process.stdout.write(usage(targets));
    return EXIT.ok;
  }

  const abort = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT.interrupted);
    stderr("\nInterrupted: cancelling the build (press Ctrl-C again to exit now)\n");
    abort.abort(new DrydockError("E_INTERRUPTED", "build interrupted"));
  };
  process.on("SIGINT", onSigint);

  const renderer = args.progress === "quiet" ? undefined : new PlainRenderer(stderr);
  const started = Date.now();
  try {
    const results = await buildTargets(targets, {
      ...options,
      targets: args.targets.length > 0 ? args.targets : defaults,
      host: args.host ?? options.host,
      location,
      signal: abort.signal,
      onStatus: (_target, status) => renderer?.update(status),
    });
    renderer?.done();
    for (const r of Object.values(results)) stderr(describeResult(r));
    stderr(
      `Built ${Object.keys(results).length} target(s) in ${((Date.now() - started) / 1000).toFixed(1)}s\n`,
    );
    return EXIT.ok;
  } catch (err) {
    renderer?.done();
    if (abort.signal.aborted) {
      stderr("Build cancelled.\n");
      return EXIT.interrupted;
    }
    stderr(formatError(err));
    return err instanceof DrydockError && err.code === "E_OPTION" ? EXIT.usage : EXIT.failed;
  } finally {
    process.off("SIGINT", onSigint);
  }
}

function describeResult(r: TargetResult): string {
  const lines: string[] = [];
  for (const o of r.outputs) {
    if (o.type === "image") {
      const digest = r.exporterResponse["containerimage.digest"];
      const pushed = o.push ? " pushed" : "";
      lines.push(`${r.target}: image${pushed} ${[o.name].flat().join(", ")}${digest ? ` (${digest})` : ""}`);
    } else if (o.type === "local") lines.push(`${r.target}: files in ${o.dest}`);
    else if (o.dest !== "-") lines.push(`${r.target}: ${o.type} archive ${o.dest}`);
  }
  for (const p of r.pushed) lines.push(`${r.target}: pushed ${p.name}${p.digest ? ` (${p.digest})` : ""}`);
  for (const n of r.notices) lines.push(`${r.target}: note: ${n}`);
  if (lines.length === 0) lines.push(`${r.target}: built`);
  return lines.join("\n") + "\n";
}

/** True when `location` is in the file the runtime was started with. */
function isEntryPoint(location: SourceLocation | undefined): boolean {
  const main = process.argv[1];
  if (!location || !main) return false;
  try {
    return realpathSync(resolve(main)) === realpathSync(location.file);
  } catch {
    return false;
  }
}
