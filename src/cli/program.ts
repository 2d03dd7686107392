/**
 * The command-line program a build.ts becomes: arguments in, progress and a
 * summary out, an exit status back. A thin layer over {@link buildTargets}.
 *
 * @module
 */
import { statSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import process from "node:process";
import { isUsageError } from "../core/errors.ts";
import type { SourceLocation } from "../core/location.ts";
import { State } from "../dsl/state.ts";
import type { BuildEnvironment } from "../core/environment.ts";
import {
  type BuildTargetsOptions,
  type InteractiveShells,
  solveTargets,
  type TargetResult,
} from "../solve/build.ts";
import { describePersisted } from "./persisted_line.ts";
import { selectTargets, type Targets } from "../solve/targets.ts";
import { resolveContextOverrides } from "../solve/context_overrides.ts";
import { writeMetadataFile } from "../solve/metadata.ts";
import { nodeLines } from "../solve/multi_node.ts";
import { builderNodes, plannedNodeLines } from "../solve/node_build.ts";
import { type CliArgs, parseCli, UsageError } from "./args.ts";
import { compileTargets, dryRunText } from "./dry_run.ts";
import { type FlagOptions, flagOptions } from "./flag_options.ts";
import { llbText, printBaseConfigs } from "./print_llb.ts";
import { helpText, listText, type TargetSummary } from "./help.ts";
import { declaredParams } from "./params.ts";
import { permissionHint } from "./permission_hint.ts";
import { EXIT, formatError } from "./report.ts";
import { CliProgress } from "./cli_progress.ts";
import { SIGNAL_EXIT, watchSignals } from "./signals.ts";
import { processTerminal, requireTerminal, runShell } from "./interactive_shell.ts";
import type { BuildError } from "../solve/errors.ts";
import type { ShellAccess } from "../solve/debug_shell.ts";
import { VERSION } from "./version.ts";
import { stderrTerminal } from "./terminal.ts";

/** What the program needs besides the targets. */
export interface ProgramOptions extends Omit<BuildTargetsOptions, "targets" | "location"> {
  /** Targets built when none is named. @default every target */
  defaults?: readonly string[];
  location?: SourceLocation;
  /** The process's configuration: arguments, environment, working directory, streams. */
  environment: BuildEnvironment;
}

/**
 * Runs a build.ts as a program and returns its exit status.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { processEnvironment } from "./environment.ts";
 * import { runProgram } from "./program.ts";
 * const environment = processEnvironment({ argv: ["--list"] });
 * const status = await runProgram({ app: image("busybox") }, { environment }); // prints "  app", returns 0
 * ```
 */
export async function runProgram(targets: Targets, options: ProgramOptions): Promise<number> {
  const { environment } = options;
  const stderr = (text: string) => void environment.stderr.write(text);
  const stdout = (text: string) => void environment.stdout.write(text);
  const program = options.location ? basename(options.location.file) : "build.ts";
  let args: CliArgs;
  try {
    args = parseCli(environment.argv, { targets: Object.keys(targets), params: declaredParams() });
    if (args.help) {
      return stdout(helpText(program, summaries(targets, options.defaults), declaredParams())), EXIT.ok;
    }
    if (args.version) return stdout(`drydock ${VERSION}\n`), EXIT.ok;
    if (args.list) return stdout(listText(summaries(targets, options.defaults))), EXIT.ok;
  } catch (err) {
    return fail(err, stderr, environment.cwd);
  }
  // `--shell TARGET` alone builds that target.
  const wanted = args.targets.length > 0 ? args.targets : args.shell ? [args.shell] : options.defaults;

  let flags: FlagOptions;
  try {
    flags = flagOptions(args, options, environment);
    // Found out before the build, not after it succeeded.
    const metadataDir = args.metadataFile && dirname(resolve(environment.cwd, args.metadataFile));
    if (metadataDir && !isDirectory(metadataDir)) {
      throw new UsageError(`--metadata-file ${args.metadataFile}: directory ${metadataDir} does not exist`);
    }
    const streams = { stdin: process.stdin, stdout: environment.stdout };
    if (args.interactive) requireTerminal("-i (or --on-error shell)", streams);
    if (args.shell) requireTerminal("--shell", streams);
    if (args.printLlb || args.dryRun) {
      return stdout(await compiledText(targets, wanted, args, flags, options, stderr)), EXIT.ok;
    }
  } catch (err) {
    return fail(err, stderr, environment.cwd);
  }

  const progress = new CliProgress(args.progress, {
    out: stderrTerminal(environment.stderr),
    isTTY: environment.stderr.isTTY === true,
    env: environment.env,
    cwd: environment.cwd,
  });
  const signals = watchSignals({
    // Through the progress display, so the live view is not torn by the message.
    notify: (text) => progress.print(text),
    beforeExit: () => progress.abandon(), // gives the terminal its cursor back
  });

  const refs: string[] = [];
  // The failure a shell was opened for: already reported, and its exit code is the build's.
  let shownFailure: BuildError | undefined;
  const shell: InteractiveShells | undefined = args.interactive || args.shell
    ? {
      onError: args.interactive,
      target: args.shell,
      run: async (target, access) => {
        if (access.error) {
          shownFailure = access.error;
          stderr(progress.failed(access.error) ?? "");
        } else progress.endLiveView();
        stderr(shellBanner(target, access, args.shellCommand));
        const code = await runShell(access, args.shellCommand, processTerminal(environment));
        stderr(`drydock: the shell exited (${code})${access.error ? "; the build ends" : ""}\n`);
      },
    }
    : undefined;
  const { engines, ...flagged } = flags;
  try {
    const results = await solveTargets(targets, {
      ...options,
      ...flagged,
      targets: wanted,
      location: options.location,
      signal: signals.signal,
      onStart: (target, ref) => {
        refs.push(ref);
        options.onStart?.(target, ref);
      },
      // The engine lacks a feature and a portable fallback is used: worth knowing, not worth failing.
      onNotice: (target, message) => {
        if (args.progress !== "quiet") progress.print(`notice: ${target}: ${message}\n`);
        options.onNotice?.(target, message);
      },
      onStatus: (target, status) => {
        progress.update(status);
        options.onStatus?.(target, status);
      },
    }, { environment, engines, ...(shell ? { shell } : {}) });
    if (args.metadataFile) writeMetadataFile(resolve(environment.cwd, args.metadataFile), results);
    const outputs = Object.values(results).flatMap((r) => describeResult(r).trimEnd().split("\n"));
    progress.succeeded(outputs, Object.keys(results).length);
    return EXIT.ok;
  } catch (err) {
    const received = signals.received();
    if (received) {
      progress.failed(undefined);
      stderr(`Build cancelled${refs.length > 0 ? ` (engine build ${refs.join(", ")})` : ""}.\n`);
      return SIGNAL_EXIT[received];
    }
    // Engines before BuildKit 0.13 give the exit code only in the message.
    if (shownFailure) {
      return shownFailure.exitCode || Number(/exit code: (\d+)/.exec(shownFailure.engineMessage)?.[1]) ||
        EXIT.failed;
    }
    return fail(err, stderr, environment.cwd, progress);
  } finally {
    // Until the process exits, a signal means "exit now".
    signals.settle();
  }
}

// --print, --dot and --dry-run: compile the selected targets; --print/--dot ask an engine for base configs.
async function compiledText(
  targets: Targets,
  wanted: readonly string[] | undefined,
  args: CliArgs,
  flags: FlagOptions,
  options: ProgramOptions,
  stderr: (text: string) => void,
): Promise<string> {
  const selected = selectTargets(
    targets,
    wanted,
    options.base ?? options.environment.cwd,
    options.location,
    flags,
  );
  const base = options.base ?? options.environment.cwd;
  const contexts = resolveContextOverrides(flags.contexts, targets, selected, base, options.location);
  const compileOptions = { noCache: args.noCache, contexts: contexts.states };
  if (!args.printLlb) return dryRunText(compileTargets(selected, compileOptions), contexts.described);
  if (selected.length !== 1) {
    const flag = args.printLlb === "json" ? "--print" : "--dot";
    const names = Object.keys(targets).join(", ");
    throw new UsageError(`${flag} shows one target's LLB; choose one with --target (targets: ${names})`);
  }
  const { engines, ...flagged } = flags;
  const { baseConfigs, notice } = await printBaseConfigs(selected[0], (resolving) =>
    solveTargets(resolving, {
      ...options,
      ...flagged,
      // A build that only asks for configs: nothing to export, push, cache, replace or report.
      ...{ outputs: [], push: false, load: false, cacheFrom: [], cacheTo: [], platforms: undefined },
      ...{ contexts: undefined, onStart: undefined, onStatus: undefined, onDefinition: undefined },
      targets: undefined,
    }, { environment: options.environment, engines }), contexts.states);
  if (notice) stderr(`drydock: ${notice}\n`);
  if (contexts.described.length > 0) {
    stderr(`drydock: build contexts replaced: ${contexts.described.join(", ")}\n`);
  }
  const nodes = builderNodes(flags, options.environment.env);
  if (nodes) {
    for (const line of plannedNodeLines(selected, nodes, options.location)) stderr(`drydock: ${line}\n`);
  }
  return llbText(selected[0], args.printLlb, { ...compileOptions, baseConfigs });
}

/** Reports a failure; with the build's progress, a failed step comes with its logs and code frame. */
function fail(err: unknown, stderr: (text: string) => void, cwd: string, progress?: CliProgress): number {
  const hint = permissionHint(err);
  if (hint) {
    stderr(`error: ${hint}\n`);
    return EXIT.usage;
  }
  if (err instanceof UsageError) {
    stderr(`error: ${err.message} (see --help)\n`);
    return EXIT.usage;
  }
  stderr(progress ? progress.failed(err)! : formatError(err, { cwd }));
  return isUsageError(err) ? EXIT.usage : EXIT.failed;
}

function summaries(targets: Targets, defaults: readonly string[] | undefined): TargetSummary[] {
  return Object.entries(targets).map(([name, t]) => ({
    name,
    description: t instanceof State ? undefined : t.description,
    isDefault: defaults?.includes(name) ?? false,
  }));
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
  for (const l of r.loaded ?? []) lines.push(`${r.target}: loaded into Docker: ${l}`);
  for (const n of nodeLines(r.nodes ?? [])) lines.push(`${r.target}: ${n}`);
  for (const n of r.notices) lines.push(`${r.target}: note: ${n}`);
  for (const p of r.persisted ?? []) lines.push(`${r.target}: ${describePersisted(p)}`);
  if (lines.length === 0) lines.push(`${r.target}: built`);
  return lines.join("\n") + "\n";
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function shellBanner(target: string, access: ShellAccess, shell: readonly string[]): string {
  const lines = access.error
    ? [
      `drydock: ${shell.join(" ")} in ${access.error.step ?? target} as it was before the step ` +
      `(files, mounts, env, working directory, user)`,
      `drydock: the failed command:  ${access.command}`,
      `drydock: exit the shell (exit or Ctrl-D) to end the build with the step's exit code` +
      (access.error.exitCode ? ` (${access.error.exitCode})` : ""),
    ]
    : [`drydock: ${shell.join(" ")} in the final state of ${target}; exit it (exit or Ctrl-D) to go on`];
  return lines.join("\n") + "\n";
}
