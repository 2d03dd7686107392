/**
 * `ctx.container()`: containers on built filesystems inside a dynamic
 * target's build, processes run in them with their output in progress, and
 * their release when the build ends in any way.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import { callerLocation, type SourceLocation } from "../core/location.ts";
import type { ExecMount, Output, Platform } from "../dsl/graph.ts";
import type { NetworkMode } from "../dsl/step_settings.ts";
import type { MountValue, RunOptions, SshMountOptions } from "../dsl/options.ts";
import { execNode } from "../dsl/run.ts";
import type { SshAgent } from "../dsl/secrets.ts";
import { State, stateData } from "../dsl/state.ts";
import { GatewayContainer } from "../gateway/container.ts";
import type { ContainerProcess } from "../gateway/container_process.ts";
import { ExecStream } from "../gateway/exec_stream.ts";
import { runSettings } from "../llb/base_config.ts";
import { LLBBridgeService } from "../proto/moby_buildkit_v1_frontend.gen.ts";
import * as pb from "../proto/pb.gen.ts";
import { requireCap } from "./require_cap.ts";
import { BuildError } from "./errors.ts";
import type { GatewaySolver } from "./gateway_solver.ts";
import { LocalStep, type StatusSink } from "./local_progress.ts";

/** How a container is set up: mounts as in `run()`, network, platform, hostname. */
export interface ContainerOptions {
  /** Extra mounts by path: states, `cache()`, `tmpfs()`, secrets, as `run({ mounts })` takes them. */
  mounts?: Record<string, MountValue>;
  /** SSH agents, as `run({ ssh })` takes them. */
  ssh?: SshAgent | SshMountOptions | (SshAgent | SshMountOptions)[];
  /** Network of the container's processes. @default the state's network, else "sandbox" */
  network?: NetworkMode;
  /** Platform to run as (an emulated one needs binfmt on the engine). @default the state's platform */
  platform?: Platform;
  /** Host name inside the container. @default the engine's */
  hostname?: string;
}

/** How one process runs. Env, working directory and user default to the state's (and its base image's). */
export interface ExecOptions {
  /** Added to (or replacing by name) the state's environment. */
  env?: Record<string, string>;
  /** Working directory; a relative path joins the state's. */
  cwd?: string;
  /** User to run as (`name`, `uid`, `uid:gid`). */
  user?: string;
  /** Run on a terminal: output comes as one stream, and `resize()` applies. @default false */
  tty?: boolean;
  /** Bytes to feed stdin (then closed), or `true` to write them with `write()`. @default no stdin */
  stdin?: string | Uint8Array | boolean;
  /** Resolve `wait()` whatever the exit code, instead of failing the build. @default false */
  allowFailure?: boolean;
  /** The step's name in progress. @default `EXEC <command>` */
  name?: string;
}

/**
 * A process running in a container, from {@link Container.exec}.
 *
 * @example Feeding stdin and reading the output
 * ```ts no-eval
 * import { build, image } from "@drydock/core";
 * await build({
 *   checked: {
 *     state: async (ctx) => {
 *       const base = image("busybox");
 *       await using ctr = await ctx.container(base);
 *       const proc = await ctr.exec(["wc", "-l"], { stdin: true });
 *       proc.write("a\nb\n");
 *       proc.closeStdin();
 *       const { stdout } = await proc.output(); // "2\n"
 *       return base.env("LINES", stdout.trim());
 *     },
 *   },
 * });
 * ```
 */
export interface Process {
  /** What it writes to stdout (with `tty: true`, stdout and stderr together). */
  readonly stdout: ReadableStream<Uint8Array>;
  /** What it writes to stderr (empty with `tty: true`). */
  readonly stderr: ReadableStream<Uint8Array>;
  /** Writes to stdin (started with `stdin: true`). */
  write(data: string | Uint8Array): void;
  /** Closes stdin, so a process reading it to the end can finish. */
  closeStdin(): void;
  /** Resizes the terminal (started with `tty: true`). */
  resize(size: { rows: number; cols: number }): void;
  /** Sends a signal by name (`INT`, `TERM`, `KILL`); the engine needs the `gateway.exec.signals` cap. */
  signal(name: string): void;
  /** Waits for the exit code; a non-zero one fails the build (with the output) unless `allowFailure`. */
  wait(): Promise<{ exitCode: number }>;
  /** Reads stdout and stderr to the end as text, then waits. */
  output(): Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

/**
 * A container on a built state, from `ctx.container()` in a dynamic target, to run processes in while
 * deciding what to build.
 *
 * @example Running a check before deciding what to build
 * ```ts no-eval
 * import { build, image } from "@drydock/core";
 * await build({
 *   app: {
 *     state: async (ctx) => {
 *       const base = image("busybox");
 *       await using ctr = await ctx.container(base);
 *       const { exitCode } = await (await ctr.exec("test -x /bin/sh", { allowFailure: true })).wait();
 *       return exitCode === 0 ? base : base.run("echo no shell");
 *     },
 *   },
 * });
 * ```
 */
export interface Container {
  /** The engine's id of the container. */
  readonly id: string;
  /** Starts a process: a string runs in `/bin/sh -c`, an array as is. */
  exec(command: string | string[], options?: ExecOptions): Promise<Process>;
  /** Removes the container; its processes are killed. Also done when the build ends. */
  release(): Promise<void>;
  /** Releases it at the end of an `await using` block. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * The containers of one target's build; all released when it ends.
 *
 * @example
 * ```ts
 * import { Containers } from "./container_context.ts";
 * // const containers = new Containers(solver, (s) => progress.update(s), "test");
 * // try { ... await containers.create(state, {}, location) ... } finally { await containers.releaseAll(); }
 * ```
 */
export class Containers {
  readonly #live = new Set<GatewayContainer>();
  readonly #stream: ExecStream;

  constructor(readonly solver: GatewaySolver, readonly sink: StatusSink, readonly target: string) {
    this.#stream = new ExecStream(() => solver.rpc.bidi(LLBBridgeService.execProcess, solver.bridge));
  }

  /** Starts a container on `state`. */
  async create(state: State, options: ContainerOptions, at: SourceLocation | undefined): Promise<Container> {
    const { solver } = this;
    requireCap(solver.caps, "gateway.exec", "ctx.container()", at);
    // The mounts exactly as `run()` reads them (validation messages included).
    const runOptions: RunOptions = {
      ...(options.mounts ? { mounts: options.mounts } : {}),
      ...(options.ssh ? { ssh: options.ssh } : {}),
      ...(options.network ? { network: options.network } : {}),
    };
    const node = execNode(stateData(state), ["true"], runOptions, at);
    await this.#serve(node.mounts, at);
    const mounts = await Promise.all(node.mounts.map((m) => this.#mountOf(state, m, at)));
    const platform = options.platform ?? node.platform;
    const hostname = options.hostname ?? node.hostname;
    const ctr = await GatewayContainer.create(solver.rpc, solver.bridge, this.#stream, {
      mounts,
      network: { sandbox: pb.NetMode.UNSET, host: pb.NetMode.HOST, none: pb.NetMode.NONE }[node.network],
      platform: { os: platform.os, architecture: platform.architecture, variant: platform.variant },
      ...(hostname ? { hostname } : {}),
    });
    this.#live.add(ctr);
    const release = async () => {
      this.#live.delete(ctr);
      await ctr.release();
    };
    return {
      id: ctr.id,
      exec: (command, execOptions = {}) => this.#exec(ctr, state, command, execOptions),
      release,
      // `await using`: a failed release must not hide the error that ended the block (the build's end
      // releases it anyway).
      [Symbol.asyncDispose]: () => release().catch(() => {}),
    };
  }

  /** Releases every container still alive; ends the build's exec stream. */
  async releaseAll(): Promise<void> {
    const live = [...this.#live];
    this.#live.clear();
    await Promise.allSettled(live.map((c) => c.release()));
    this.#stream.close();
  }

  async #exec(
    ctr: GatewayContainer,
    state: State,
    command: string | string[],
    o: ExecOptions,
  ): Promise<Process> {
    const at = callerLocation();
    if (o.tty) requireCap(this.solver.caps, "gateway.exec", "exec({ tty })", at);
    const node = execNode(stateData(state), command, {
      ...(o.env ? { env: o.env } : {}),
      ...(o.cwd ? { workdir: o.cwd } : {}),
      ...(o.user !== undefined ? { user: o.user } : {}),
    }, at);
    const bases = await this.solver.baseConfigs([state]);
    const meta = runSettings(node, new Map([...bases].map(([k, v]) => [k, v.config ?? {}])));
    const name = `[${this.target}] ${
      o.name ?? `EXEC ${typeof command === "string" ? command : command.join(" ")}`
    }`;
    const step = LocalStep.start(this.sink, name);
    const stdin = o.stdin !== undefined && o.stdin !== false;
    let proc: ContainerProcess;
    try {
      proc = await ctr.start({
        meta: { args: [...node.args], ...meta },
        fds: stdin ? [0, 1, 2] : [1, 2],
        tty: o.tty ?? false,
      }, { onOutput: (fd, data) => step.log(fd, data) });
    } catch (err) {
      step.done(String((err as Error).message ?? err));
      throw new BuildError(
        `could not start ${node.args.join(" ")}: ${(err as Error).message}`,
        undefined,
        at,
        {
          cause: err,
          step: name,
        },
      );
    }
    if (typeof o.stdin === "string" || o.stdin instanceof Uint8Array) {
      proc.write(o.stdin);
      proc.closeStdin();
    }
    const caps = this.solver.caps;
    let waited: Promise<{ exitCode: number }> | undefined;
    const wait = () =>
      waited ??= proc.exit.then((exit) => {
        if (exit.code === 0 || o.allowFailure) {
          step.done();
          return { exitCode: exit.code };
        }
        const message =
          `process "${node.args.join(" ")}" did not complete successfully: exit code: ${exit.code}` +
          (exit.message && !/exit code/.test(exit.message) ? ` (${exit.message})` : "");
        step.done(message);
        throw new BuildError(message, step.digest as `sha256:${string}`, at, {
          step: name,
          exitCode: exit.code,
        });
      }, (err) => {
        step.done(String(err.message));
        throw err;
      });
    return {
      stdout: proc.stdout,
      stderr: proc.stderr,
      write: (data) => proc.write(data),
      closeStdin: () => proc.closeStdin(),
      resize: (size) => proc.resize(size),
      signal: (sig) => {
        requireCap(caps, "gateway.exec.signals", "process.signal()", callerLocation());
        proc.signal(sig);
      },
      wait,
      output: async () => {
        const [stdout, stderr] = await Promise.all([readText(proc.stdout), readText(proc.stderr)]);
        return { ...(await wait()), stdout, stderr };
      },
    };
  }

  // Secrets and agents only a container uses are served from now on, read and checked as the build's are.
  async #serve(mounts: readonly ExecMount[], at: SourceLocation | undefined): Promise<void> {
    const locations = at ? [at] : [];
    await this.solver.serveSession({
      secrets: new Map(
        mounts.flatMap((m) =>
          m.kind === "secret"
            ? [[m.secret.id, { secret: m.secret, optional: m.optional, locations }] as const]
            : []
        ),
      ),
      sshAgents: new Map(
        mounts.flatMap((m) =>
          m.kind === "ssh" ? [[m.agent.id, { agent: m.agent, optional: m.optional, locations }] as const] : []
        ),
      ),
    });
  }

  async #mountOf(state: State, m: ExecMount, at: SourceLocation | undefined): Promise<pb.Mount> {
    const refOf = async (source: Output | null) => {
      if (!source) return "";
      const { id } = await this.solver.solve(new State({ ...stateData(state), output: source }));
      return id;
    };
    switch (m.kind) {
      case "bind": {
        const resultID = await refOf(m.source);
        if (!resultID && m.dest === "/") {
          throw new DrydockError(
            "E_OPTION",
            `container(): the state is the empty filesystem; there is nothing to run` +
              (at ? ` (at ${at.file}:${at.line}:${at.column})` : ""),
          );
        }
        return {
          dest: m.dest,
          selector: m.selector,
          readonly: m.readonly,
          mountType: pb.MountType.BIND,
          resultID,
        };
      }
      case "cache":
        return {
          dest: m.dest,
          selector: m.selector,
          readonly: m.readonly,
          mountType: pb.MountType.CACHE,
          resultID: await refOf(m.source),
          cacheOpt: {
            id: m.id,
            sharing: {
              shared: pb.CacheSharingOpt.SHARED,
              private: pb.CacheSharingOpt.PRIVATE,
              locked: pb.CacheSharingOpt.LOCKED,
            }[m.sharing],
          },
        };
      case "tmpfs":
        return { dest: m.dest, mountType: pb.MountType.TMPFS, tmpfsOpt: { size: BigInt(m.size) } };
      case "secret":
        return {
          dest: m.dest,
          mountType: pb.MountType.SECRET,
          secretOpt: { id: m.secret.id, uid: m.uid, gid: m.gid, mode: m.mode, optional: m.optional },
        };
      case "ssh":
        return {
          dest: m.dest,
          mountType: pb.MountType.SSH,
          sshOpt: { id: m.agent.id, uid: m.uid, gid: m.gid, mode: m.mode, optional: m.optional },
        };
    }
  }
}

async function readText(stream: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}
