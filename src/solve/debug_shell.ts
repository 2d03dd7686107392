/**
 * Shells inside a build: in the view of a `run` step that failed (its
 * filesystem as it was before the step, its mounts, env, working directory
 * and user), or in a target's final state. The build waits while the shell
 * runs; the terminal side is the caller's.
 *
 * @module
 */
import { type State, stateData } from "../dsl/state.ts";
import { execNode } from "../dsl/run.ts";
import { type ContainerRequest, GatewayContainer } from "../gateway/container.ts";
import { ExecStream } from "../gateway/exec_stream.ts";
import { runSettings } from "../llb/base_config.ts";
import type { Digest } from "../llb/digest.ts";
import { type InitMessage, LLBBridgeService } from "../proto/moby_buildkit_v1_frontend.gen.ts";
import * as pb from "../proto/pb.gen.ts";
import { RpcError } from "../transport/rpc.ts";
import { requireCap } from "./require_cap.ts";
import { type BuildError, failingVertex, solveRefs } from "./errors.ts";
import {
  commandText,
  failedRunContainer,
  failedRunShell,
  findFailedRun,
  inputDefinition,
} from "./failed_step.ts";
import type { GatewaySolver } from "./gateway_solver.ts";

/** A terminal's size in character cells. */
export interface TerminalSize {
  readonly rows: number;
  readonly cols: number;
}

/** A shell running on a terminal in the engine. */
export interface ShellProcess {
  /** What the shell writes to its terminal. */
  readonly output: ReadableStream<Uint8Array>;
  /** Keys typed, as bytes (Ctrl-C is 0x03 and reaches the shell's terminal as such). */
  write(data: Uint8Array): void;
  resize(size: TerminalSize): void;
  /** The shell's exit code, once it exited and its container was released. */
  readonly exit: Promise<number>;
}

/** A shell drydock can open in a build. */
export interface ShellAccess {
  readonly target: string;
  /** The step failure that led here; absent for a shell in a target's final state. */
  readonly error?: BuildError;
  /** The failed step's command, as typed. */
  readonly command?: string;
  /** Starts `args` on a terminal of `size`, in a fresh container released when it exits. */
  open(args: readonly string[], size: TerminalSize): Promise<ShellProcess>;
}

/** When the build opens a shell, and who runs it on the terminal. */
export interface ShellOptions {
  /** When a `run` step fails: in its view before it ran. */
  readonly onError?: boolean;
  /** Once the target's state is built: in its final state. */
  readonly atEnd?: boolean;
  /** Drives the shell; the build waits for it. */
  readonly run: (access: ShellAccess) => Promise<void>;
}

/**
 * For a build error in a `run` step, opens a shell in that step's view and waits for it; other errors
 * (or steps that are not `run`) are left alone. Returns whether a shell ran.
 *
 * @example
 * ```ts
 * import { shellOnFailure } from "./debug_shell.ts";
 * // try { await solver.solve(state, { evaluate: true }); }
 * // catch (err) { await shellOnFailure(solver, options, "app", err, buildError, () => erroredVertex); throw err; }
 * ```
 */
export async function shellOnFailure(
  solver: GatewaySolver,
  options: ShellOptions,
  target: string,
  err: unknown,
  error: BuildError,
  erroredVertex: () => Digest | undefined,
): Promise<boolean> {
  if (!options.onError || !(err instanceof RpcError)) return false;
  const digest = failingVertex(err) ?? await reported(erroredVertex);
  const run = digest && findFailedRun(solver.definitions, digest);
  if (!run) return false;
  requireCap(solver.caps, "gateway.exec", "the shell on a failed step (-i)", undefined);
  const mounts = run.exec.mounts ?? [];
  // The engine's refs of the step's inputs when it sends them; else the inputs solved again (cached).
  const fromEngine = solveRefs(err)?.inputIDs;
  const refs = fromEngine?.length === mounts.length ? fromEngine : await Promise.all(mounts.map((m) => {
    const input = Number(m.input ?? -1n);
    return input < 0 ? "" : solver.solveDefinition(inputDefinition(run, input));
  }));
  const request = failedRunContainer(run, refs);
  await options.run({
    target,
    error,
    command: commandText(run.exec.meta?.args ?? []),
    open: (args, size) => openShell(solver, request, failedRunShell(run, args), size),
  });
  return true;
}

/**
 * Opens a shell in `state`'s final filesystem (solved as `ref`), with its env, working directory and user.
 *
 * @example
 * ```ts
 * import { shellAtEnd } from "./debug_shell.ts";
 * // await shellAtEnd(solver, options, "app", state, ref);
 * ```
 */
export async function shellAtEnd(
  solver: GatewaySolver,
  options: ShellOptions,
  target: string,
  state: State,
  ref: string,
): Promise<void> {
  requireCap(solver.caps, "gateway.exec", "--shell", undefined);
  const node = execNode(stateData(state), ["/bin/sh"], {}, undefined);
  const bases = await solver.baseConfigs([state]);
  const meta = runSettings(node, new Map([...bases].map(([k, v]) => [k, v.config ?? {}])));
  const platform = node.platform;
  const request: ContainerRequest = {
    mounts: [{ dest: "/", mountType: pb.MountType.BIND, resultID: ref }],
    network: { sandbox: pb.NetMode.UNSET, host: pb.NetMode.HOST, none: pb.NetMode.NONE }[node.network],
    platform: { os: platform.os, architecture: platform.architecture, variant: platform.variant },
  };
  await options.run({
    target,
    open: (args, size) =>
      openShell(solver, request, { meta: { args: [...args], ...meta }, fds: [0, 1, 2], tty: true }, size),
  });
}

// Engines before BuildKit 0.13 name the failed op only in the status stream, which may lag the error a little.
async function reported(vertex: () => Digest | undefined, timeoutMs = 3_000): Promise<Digest | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (!vertex() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return vertex();
}

async function openShell(
  solver: GatewaySolver,
  request: ContainerRequest,
  init: Omit<InitMessage, "containerID">,
  size: TerminalSize,
): Promise<ShellProcess> {
  const stream = new ExecStream(() => solver.rpc.bidi(LLBBridgeService.execProcess, solver.bridge));
  let ctr: GatewayContainer | undefined;
  const release = async () => {
    await ctr?.release().catch(() => {});
    stream.close();
  };
  try {
    ctr = await GatewayContainer.create(solver.rpc, solver.bridge, stream, request);
    const proc = await ctr.start(init);
    proc.resize(size);
    const exit = proc.exit.then((e) => e.code, () => 255).finally(release);
    return {
      output: proc.stdout,
      write: (data) => proc.write(data),
      resize: (s) => proc.resize(s),
      exit,
    };
  } catch (err) {
    await release();
    throw err;
  }
}
