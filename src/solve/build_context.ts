/**
 * What a dynamic target's function gets: reads of built filesystems, warnings,
 * the engine's description and containers, all inside the target's build.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import { callerLocation, type SourceLocation } from "../core/location.ts";
import type { Platform } from "../dsl/graph.ts";
import { normalizeImageRef } from "../dsl/reference.ts";
import { State } from "../dsl/state.ts";
import { type FileInfo, fileInfoOf } from "../gateway/file_info.ts";
import { LLBBridgeService, type PongResponse } from "../proto/moby_buildkit_v1_frontend.gen.ts";
import { type CallOptions, RpcError } from "../transport/rpc.ts";
import { BuildError, failingVertex } from "./errors.ts";
import { requireCap } from "./require_cap.ts";
import type { GatewaySolver } from "./gateway_solver.ts";
import { formatPlatform } from "../core/platform.ts";
import type { Container, ContainerOptions, Containers } from "./container_context.ts";
import type { Warnings, WarnOptions } from "./warnings.ts";

/** The engine a dynamic target builds on, as it describes itself. */
export interface EngineInfo {
  /** Its workers: id, platforms (`linux/amd64`) and labels. */
  readonly workers: readonly {
    readonly id: string;
    readonly platforms: readonly string[];
    readonly labels: Readonly<Record<string, string>>;
  }[];
  /** Every platform some worker builds for. */
  readonly platforms: readonly string[];
  /** Enabled capabilities: `gateway` (frontend API) and `llb` (ops). */
  readonly caps: { readonly gateway: readonly string[]; readonly llb: readonly string[] };
}

/** A byte range of a file. */
export interface ReadFileOptions {
  /** Byte to start at. @default 0 */
  offset?: number;
  /** Bytes to read. @default to the end of the file */
  length?: number;
}

/** Which entries `readDir` lists. */
export interface ReadDirOptions {
  /** A glob the entry names must match, e.g. `*.json`. @default every entry */
  include?: string;
}

/** A base image's config, as the registry (or the engine's image store) has it. */
export interface ResolvedImageConfig {
  /** The manifest digest; empty when the engine resolved it from its own image store. */
  readonly digest: string;
  /** The OCI image config (`config.Env`, `config.Cmd`...). */
  readonly config: Record<string, unknown>;
}

/**
 * What a dynamic target's `state` function gets: it may read the files of
 * states built so far and decide what to build next. Everything it solves is
 * part of the same build.
 *
 * @example One test step per package the repository lists
 * ```ts no-eval
 * import { build, image, local } from "@drydock/core";
 * await build({
 *   tests: {
 *     state: async (ctx) => {
 *       const src = local(".");
 *       const names = (await ctx.readTextFile(src, "packages.txt")).split("\n").filter(Boolean);
 *       let s = image("node:22-alpine").copy(src, ".", "/work").workdir("/work");
 *       for (const name of names) s = s.run(`npm test --prefix packages/${name}`, { name: `test ${name}` });
 *       return s;
 *     },
 *   },
 * });
 * ```
 */
export interface BuildContext extends Platform {
  /** The platform this call builds for (also spread on the context: `ctx.os`, `ctx.architecture`). */
  readonly platform: Platform;
  /** The engine: workers, platforms, caps. */
  readonly engine: EngineInfo;
  /** The bytes of a file in `state` (built first, once, if needed). */
  readFile(state: State, path: string, options?: ReadFileOptions): Promise<Uint8Array>;
  /** A file in `state` as UTF-8 text. */
  readTextFile(state: State, path: string, options?: ReadFileOptions): Promise<string>;
  /** The entries of a directory in `state`, sorted by name. */
  readDir(state: State, path: string, options?: ReadDirOptions): Promise<FileInfo[]>;
  /** One file's metadata; does not follow a final symlink. */
  stat(state: State, path: string): Promise<FileInfo>;
  /** Builds `state` now, for its side effects and errors. */
  evaluate(state: State): Promise<void>;
  /** Resolves an image's config, as `image()` does for its settings. */
  resolveImageConfig(ref: string, options?: { platform?: Platform }): Promise<ResolvedImageConfig>;
  /** Reports a warning in progress and the summary, with the build.ts line that called it. */
  warn(message: string, options?: WarnOptions): Promise<void>;
  /** Starts a container on `state`'s filesystem, to run processes in. Release it when done. */
  container(state: State, options?: ContainerOptions): Promise<Container>;
}

/** A target's state as an async function of its build: the graph depends on what the engine builds. */
export type DynamicState = (ctx: BuildContext) => Promise<State>;

/**
 * Whether a target's `state` is a dynamic one: an `async` function (a plain
 * function is a function of the platform).
 *
 * @example
 * ```ts
 * import { isDynamicState } from "./build_context.ts";
 * isDynamicState(async (_ctx: unknown) => {}); // true
 * isDynamicState((_platform: unknown) => {}); // false
 * ```
 */
export function isDynamicState(value: unknown): value is DynamicState {
  return typeof value === "function" && value.constructor?.name === "AsyncFunction";
}

/** What {@link createBuildContext} needs from the build. */
export interface BuildContextDeps {
  readonly solver: GatewaySolver;
  readonly bridge: CallOptions;
  readonly pong: PongResponse;
  readonly platform: Platform;
  readonly warnings: Warnings;
  readonly containers: Containers;
}

/**
 * The context one dynamic target's function runs with, for one platform.
 *
 * @example
 * ```ts
 * import { createBuildContext } from "./build_context.ts";
 * // const ctx = createBuildContext({ solver, bridge, pong, platform, warnings, containers });
 * // const state = await target.state(ctx);
 * ```
 */
export function createBuildContext(deps: BuildContextDeps): BuildContext {
  const { solver, bridge } = deps;
  const rpc = solver.rpc;
  const engine = engineInfo(deps.pong);

  const refOf = async (state: unknown, call: string, at: SourceLocation | undefined): Promise<string> => {
    checkState(state, call, at);
    const evaluate = !solver.caps.problem("gateway.solve.evaluate", true);
    const { id } = await solver.solve(state, { evaluate });
    if (!id) throw new DrydockError("E_READ", `${call}: the state is the empty filesystem${atText(at)}`);
    return id;
  };
  // A read's own failure (no such file) points at the read; a step failing while solving keeps its own line.
  const reading = async <T>(call: string, at: SourceLocation | undefined, read: () => Promise<T>) => {
    try {
      return await read();
    } catch (err) {
      if (err instanceof RpcError && !failingVertex(err)) {
        throw new BuildError(err.details, undefined, at, { cause: err, step: call });
      }
      throw err;
    }
  };

  return {
    ...deps.platform,
    platform: deps.platform,
    engine,
    async readFile(state, path, options = {}) {
      const at = callerLocation();
      const call = `readFile(${JSON.stringify(path)})`;
      requireCap(solver.caps, "readfile", "ctx.readFile()", at);
      const ref = await refOf(state, call, at);
      const range = options.offset !== undefined || options.length !== undefined
        ? { offset: BigInt(options.offset ?? 0), length: BigInt(options.length ?? 0) }
        : undefined;
      return await reading(call, at, async () => {
        const res = await rpc.unary(LLBBridgeService.readFile, { ref, filePath: path, range }, bridge);
        return res.data ?? new Uint8Array();
      });
    },
    async readTextFile(state, path, options) {
      return new TextDecoder().decode(await this.readFile(state, path, options));
    },
    async readDir(state, path, options = {}) {
      const at = callerLocation();
      const call = `readDir(${JSON.stringify(path)})`;
      requireCap(solver.caps, "readdir", "ctx.readDir()", at);
      const ref = await refOf(state, call, at);
      return await reading(call, at, async () => {
        const res = await rpc.unary(
          LLBBridgeService.readDir,
          { ref, dirPath: path, includePattern: options.include ?? "" },
          bridge,
        );
        return (res.entries ?? []).map(fileInfoOf).sort((
          a,
          b,
        ) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      });
    },
    async stat(state, path) {
      const at = callerLocation();
      const call = `stat(${JSON.stringify(path)})`;
      requireCap(solver.caps, "statfile", "ctx.stat()", at);
      const ref = await refOf(state, call, at);
      return await reading(call, at, async () => {
        const res = await rpc.unary(LLBBridgeService.statFile, { ref, path }, bridge);
        return fileInfoOf({ ...res.stat, path: res.stat?.path || path });
      });
    },
    async evaluate(state) {
      const at = callerLocation();
      checkState(state, "evaluate()", at);
      if (solver.caps.problem("gateway.solve.evaluate", true)) {
        requireCap(solver.caps, "gateway.evaluate", "ctx.evaluate()", at);
      }
      await solver.evaluate(state);
    },
    async resolveImageConfig(ref, options = {}) {
      const at = callerLocation();
      requireCap(solver.caps, "resolveimage", "ctx.resolveImageConfig()", at);
      const platform = options.platform ?? deps.platform;
      return await reading(`resolveImageConfig(${JSON.stringify(ref)})`, at, async () => {
        const res = await rpc.unary(LLBBridgeService.resolveImageConfig, {
          ref: normalizeImageRef(ref).normalized,
          platform: { os: platform.os, architecture: platform.architecture, variant: platform.variant },
          logName: `[internal] load metadata for ${ref}`,
        }, bridge);
        const bytes = res.config ?? new Uint8Array();
        const config = bytes.length > 0 ? JSON.parse(new TextDecoder().decode(bytes)) : {};
        return { digest: res.digest ?? "", config };
      });
    },
    warn(message, options = {}) {
      return deps.warnings.warn(message, options, callerLocation());
    },
    container(state, options = {}) {
      const at = callerLocation();
      checkState(state, "container()", at);
      return deps.containers.create(state, options, at);
    },
  };
}

function checkState(state: unknown, call: string, at: SourceLocation | undefined): asserts state is State {
  if (!(state instanceof State)) {
    throw new DrydockError("E_OPTION", `${call}: the first argument must be a State${atText(at)}`);
  }
}

function atText(at: SourceLocation | undefined): string {
  return at ? ` (at ${at.file}:${at.line}:${at.column})` : "";
}

function engineInfo(pong: PongResponse): EngineInfo {
  const workers = (pong.workers ?? []).map((w) => ({
    id: w.id ?? "",
    platforms: (w.platforms ?? []).map((p) =>
      formatPlatform({ os: p.os ?? "", architecture: p.architecture ?? "", variant: p.variant })
    ),
    labels: { ...w.labels },
  }));
  const enabled = (caps: { id?: string; enabled?: boolean }[] | undefined) =>
    (caps ?? []).filter((c) => c.enabled).map((c) => c.id ?? "").sort();
  return Object.freeze({
    workers,
    platforms: [...new Set(workers.flatMap((w) => w.platforms))],
    caps: { gateway: enabled(pong.frontendAPICaps), llb: enabled(pong.llbCaps) },
  });
}
