/**
 * Running a dynamic target's function inside its build, and checking what it gives back.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import type { Platform } from "../dsl/graph.ts";
import { State } from "../dsl/state.ts";
import type { PongResponse } from "../proto/moby_buildkit_v1_frontend.gen.ts";
import { createBuildContext, type DynamicState } from "./build_context.ts";
import { Containers } from "./container_context.ts";
import type { GatewaySolver } from "./gateway_solver.ts";
import type { StatusSink } from "./local_progress.ts";
import { Warnings } from "./warnings.ts";

/** What a dynamic target's function runs with. */
export interface DynamicRun {
  readonly solver: GatewaySolver;
  readonly pong: PongResponse;
  readonly platform: Platform;
  /** The build's progress, for warnings and container processes. */
  readonly sink: StatusSink;
  /** The target's name. */
  readonly target: string;
  /** The working directory build.ts locations are shown relative to. */
  readonly cwd?: string;
}

/**
 * Calls `fn` with a build context and returns the state it resolves to. Its
 * containers are released whatever happens.
 *
 * @example
 * ```ts
 * import { runDynamic } from "./dynamic_target.ts";
 * // const state = await runDynamic(async (ctx) => base.run(await ctx.readTextFile(base, "/cmd")), { solver, pong, platform, sink, target: "app" });
 * ```
 */
export async function runDynamic(fn: DynamicState, run: DynamicRun): Promise<State> {
  const containers = new Containers(run.solver, run.sink, run.target);
  const ctx = createBuildContext({
    solver: run.solver,
    bridge: run.solver.bridge,
    pong: run.pong,
    platform: run.platform,
    warnings: new Warnings(run.solver, run.sink, run.target, run.cwd),
    containers,
  });
  try {
    const state = await fn(ctx);
    if (!(state instanceof State)) {
      throw new DrydockError(
        "E_OPTION",
        `target "${run.target}": its state function must resolve to a State (from image(), local(), scratch() ...), ` +
          `got ${state === null ? "null" : typeof state}`,
      );
    }
    return state;
  } finally {
    await containers.releaseAll();
  }
}
