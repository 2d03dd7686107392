/**
 * The inside of a gateway solve: ping the build's job, solve each platform's state through one
 * {@link GatewaySolver} and make the result the engine exports.
 *
 * @module
 */
import { formatPlatform } from "../core/platform.ts";
import { EngineCaps } from "../llb/engine_caps.ts";
import type { MarshalOptions } from "../llb/marshal_types.ts";
import { LLBBridgeService, type Result } from "../proto/moby_buildkit_v1_frontend.gen.ts";
import type { CallOptions } from "../transport/rpc.ts";
import type { Transport } from "../transport/transport.ts";
import { shellAtEnd, shellOnFailure } from "./debug_shell.ts";
import { runDynamic } from "./dynamic_target.ts";
import { frontendDefaults } from "./frontends.ts";
import { GatewaySolver, type SessionView } from "./gateway_solver.ts";
import type { PlatformState, SolveSpec } from "./solve_spec.ts";
import type { SolveFindings } from "./solve_findings.ts";
import { StageReader } from "./step_names.ts";

/** One gateway solve in progress: what it builds, its call options, its session and what it has learned. */
export interface GatewayRun {
  readonly spec: SolveSpec;
  readonly platformStates: readonly PlatformState[];
  readonly marshalOptions: MarshalOptions;
  /** Call options naming the build (`buildkit-controlapi-buildid`). */
  readonly bridge: CallOptions;
  readonly findings: SolveFindings;
  readonly session: SessionView;
  /** The Control.Solve call: its error explains a refusal before the job exists. */
  readonly solving: Promise<unknown>;
}

/**
 * Inside the gateway solve: run a dynamic target's function, solve each
 * platform's state, and make the result to return (refs plus image config metadata).
 *
 * @example
 * ```ts
 * import { gatewayResult } from "./gateway_result.ts";
 * // Inside Control.Solve, once the session is attached: const result = await gatewayResult(transport, run);
 * // await transport.rpc.unary(LLBBridgeService.return, { result }, run.bridge);
 * ```
 */
export async function gatewayResult(transport: Transport, run: GatewayRun): Promise<Result> {
  const { spec, bridge, findings } = run;
  const pong = await transport.rpc.unary(LLBBridgeService.ping, {}, bridge).catch(async (err) => {
    // The engine refuses some requests (e.g. an entitlement it does not grant) before the job
    // exists; then Ping finds no job and Solve's own error is the reason to report.
    throw findings.buildError(await refusalOf(run.solving, err), false);
  });
  const refArray = (pong.frontendAPICaps ?? []).some((c) => c.id === "proto.refarray" && c.enabled);
  const solver = new GatewaySolver({
    rpc: transport.rpc,
    bridge,
    caps: EngineCaps.fromPong(pong, describeEngine(transport)),
    marshalOptions: run.marshalOptions,
    cacheImports: spec.exports.cache?.imports ?? [],
    name: spec.name ?? "build",
    stages: new StageReader(),
    findings,
    session: run.session,
    onNotice: spec.onNotice ?? printNotice,
    onDefinition: spec.onDefinition,
    frontendDefaults: frontendDefaults(spec),
  });
  const target = spec.name ?? "build";
  // One shell per build, even when several platforms fail.
  let shellClaimed = false;
  const solved = await Promise.all(run.platformStates.map(async (p) => {
    try {
      const state = spec.dynamic
        ? await runDynamic(spec.dynamic, {
          solver,
          pong,
          platform: p.platform,
          sink: spec.onStatus ?? (() => {}),
          target,
          cwd: spec.cwd,
        })
        : p.state;
      // A target's platforms are what its frontends build for; without them, the engine's.
      const platform = spec.platformStates ? p.platform : undefined;
      // A shell on a failed step needs the step to fail while the build still runs.
      const { id, frontendImages } = spec.shell?.onError
        ? await solver.evaluate(state, platform)
        : await solver.solve(state, { platform });
      const config = await solver.imageConfigBytes(state, p.platform, frontendImages);
      if (spec.shell?.atEnd && id && !shellClaimed) {
        shellClaimed = true;
        await shellAtEnd(solver, spec.shell, target, state, id);
      }
      return { platform: p.platform, id, config };
    } catch (err) {
      if (spec.shell?.onError && !shellClaimed) {
        shellClaimed = true;
        await shellOnFailure(
          solver,
          spec.shell,
          target,
          err,
          findings.buildError(err),
          () => findings.failedVertex,
        );
      }
      throw err;
    }
  }));
  if (!spec.platformStates) {
    const { id, config } = solved[0];
    const result: Result = { metadata: { "containerimage.config": config } };
    if (id) {
      if (refArray) result.ref = { id };
      else result.refDeprecated = id;
    }
    return result;
  }
  const metadata: Record<string, Uint8Array> = {};
  const refs: Record<string, { id: string }> = {};
  for (const s of solved) {
    const key = formatPlatform(s.platform);
    refs[key] = { id: s.id };
    metadata[`containerimage.config/${key}`] = s.config;
  }
  metadata["refs.platforms"] = new TextEncoder().encode(JSON.stringify({
    Platforms: solved.map((s) => ({ ID: formatPlatform(s.platform), Platform: s.platform })),
  }));
  return { refs: { refs }, metadata };
}

/**
 * The engine as messages name it.
 *
 * @example
 * ```ts
 * import { describeEngine } from "./gateway_result.ts";
 * // describeEngine(transport); // "the Docker engine at unix:///var/run/docker.sock"
 * ```
 */
export function describeEngine(transport: Pick<Transport, "engine" | "address">): string {
  return `the ${transport.engine === "docker" ? "Docker" : "BuildKit"} engine at ${transport.address}`;
}

function printNotice(message: string): void {
  console.error(`drydock: ${message}`);
}

async function refusalOf(solving: Promise<unknown>, fallback: unknown): Promise<unknown> {
  const late = Symbol("late");
  const outcome = await Promise.race([
    solving.then(() => late, (e) => e),
    new Promise<symbol>((r) => setTimeout(() => r(late), 2_000).unref?.()),
  ]);
  return outcome === late ? fallback : outcome;
}
