/**
 * One build on one engine, the way buildx's `client.Build` does it: a gateway
 * solve (Control.Solve with no definition) in which we call LLBBridge Solve
 * and Return ourselves, so the image config reaches every exporter.
 *
 * @module
 */
import { stateData } from "../dsl/state.ts";
import { graphNodes } from "../llb/graph_walk.ts";
import { marshal } from "../llb/marshal.ts";
import type { MarshalOptions } from "../llb/marshal_types.ts";
import { ControlService } from "../proto/moby_buildkit_v1.gen.ts";
import { LLBBridgeService, type Result } from "../proto/moby_buildkit_v1_frontend.gen.ts";
import { healthMethods } from "../session/health.ts";
import { contentMethods } from "../session/content_service.ts";
import { fileSendMethods } from "../session/filesend_service.ts";
import { fileSyncMethods } from "../session/filesync_service.ts";
import { newSessionId, Session } from "../session/session.ts";
import { RpcError } from "../transport/rpc.ts";
import type { Transport } from "../transport/transport.ts";
import { BuildError, ExportError } from "./errors.ts";
import { engineLost, isConnectionLoss, type LossKind, RunningSteps, watchEngine } from "./engine_lost.ts";
import { SecretMasker } from "../progress/secret_mask.ts";
import { describeEngine, gatewayResult } from "./gateway_result.ts";
import { SolveFindings } from "./solve_findings.ts";
import { prepareSessionServices, type SessionServiceOptions } from "./session_services.ts";
import { withRegistryHint } from "./registry_hint.ts";
import { readDockerignores } from "./dockerignore.ts";
import type { SolveSpec } from "./solve_spec.ts";

/** What a finished build reports. */
export interface SolveResult {
  /** The build id (`SolveRequest.Ref`). */
  readonly ref: string;
  /** The exporters' response: image digest, names... */
  readonly exporterResponse: Readonly<Record<string, string>>;
}

/**
 * Builds `spec.state` on the engine behind `transport` and exports it.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { solve } from "./solve.ts";
 * // const result = await solve(transport, { state: image("busybox"), exports: { exporters: [], fileTargets: [] }, sharedKey: "k" });
 * ```
 */
export async function solve(transport: Transport, spec: SolveSpec): Promise<SolveResult> {
  const platformStates = spec.platformStates ??
    [{ platform: stateData(spec.state).settings.platform, state: spec.state }];
  const nodes = platformStates.map((p) => graphNodes(p.state, spec.contexts));
  const marshalOptions: MarshalOptions = {
    ...(spec.contexts?.size ? { contexts: spec.contexts } : {}),
    localUniqueKey: spec.sharedKey,
    localExcludes: await readDockerignores(nodes.flat()),
    ignoreCache: spec.noCache,
    cacheSeeds: spec.cacheSeeds,
  };
  // What the session and the request need is known before the engine's caps, the base image
  // configs and the frontends' results; the definitions are lowered again once those are known.
  const localDirs = new Map<string, string>();
  const entitlements = new Set<string>();
  const firstPass = platformStates.map((p) =>
    marshal(p.state, { ...marshalOptions, previewFrontends: true })
  );
  for (const m of firstPass) {
    for (const [k, v] of m.localDirs) localDirs.set(k, v);
    for (const e of m.entitlements) entitlements.add(e);
  }
  const findings = new SolveFindings();
  for (const m of firstPass) findings.learn(m);
  // Missing secrets and agents fail here, before the engine sees anything.
  const services = await prepareSessionServices({
    secrets: new Map(firstPass.flatMap((m) => [...m.secrets])),
    sshAgents: new Map(firstPass.flatMap((m) => [...m.sshAgents])),
  }, spec.services ?? NO_SERVICES);
  const { exporters, fileTargets } = spec.exports;
  // An export failing on our side, or the engine going away, ends the build at once: nothing else
  // would (the engine may wait for the export forever; a frozen engine never answers).
  const stopped = new AbortController();
  const signal = spec.signal ? AbortSignal.any([spec.signal, stopped.signal]) : stopped.signal;
  const stop = (err: Error) => void (stopped.signal.aborted || stopped.abort(err));
  const running = new RunningSteps();
  const lost = (how: LossKind, cause?: unknown) =>
    engineLost(describeEngine(transport), how, running.list((d) => findings.stepName(d)), { cause });
  // Secret values never reach what is shown or returned, whatever a step prints.
  const masker = new SecretMasker(services.secretValues);
  const overrides = {
    secrets: (spec.services?.secrets ?? []).map((x) => x.id),
    ssh: (spec.services?.ssh ?? []).map((x) => x.id),
  };
  const session = new Session({
    sharedKey: spec.sharedKey,
    methods: [
      ...healthMethods(),
      ...services.methods,
      // A dynamic target's states may name local directories once the build runs.
      ...fileSyncMethods(localDirs, { onSent: spec.onLocalSent, always: spec.dynamic !== undefined }),
      ...fileSendMethods(
        fileTargets.map((f) => f.target),
        fileTargets.map((f) => f.exporterIndex),
        spec.services?.stdout,
        { onFailure: (err) => stop(new ExportError(err.message, { cause: err })) },
      ),
      ...contentMethods(spec.exports.contentStores ?? new Map()),
    ],
    onLost: (how) => stop(lost(how)),
  });
  const ref = newSessionId();
  const bridge = { metadata: { "buildkit-controlapi-buildid": ref }, signal };
  let unwatch = () => {};

  try {
    // The engine waits 5 s for a named session; attach it before solving.
    await session.attach(transport, signal);
    unwatch = watchEngine(transport, () => stop(lost("unresponsive")));
    spec.onStart?.(ref);
    const solving = transport.rpc.unary(ControlService.solve, {
      ref,
      session: session.id,
      // host networking and privileged steps are refused unless the request names them.
      entitlements: [...entitlements],
      exporters: [...exporters],
      // Engines before v0.13 read only the first exporter, from these fields.
      exporterDeprecated: exporters[0]?.type,
      exporterAttrsDeprecated: exporters[0]?.attrs,
      cache: spec.exports.cache,
      frontendAttrs: { ...spec.exports.frontendAttrs },
    }, { signal });
    solving.catch(() => {/* awaited below */});

    const statusDone = (async () => {
      for await (
        const status of transport.rpc.serverStream(ControlService.status, { ref }, { signal })
      ) {
        findings.watch(status);
        running.update(status);
        spec.onStatus?.(masker.status(status));
      }
    })().finally(() => {
      const held = masker.flush();
      if (held) spec.onStatus?.(held);
    });
    statusDone.catch(() => {/* the solve's own error is the one to report */});

    let result: Result;
    try {
      result = await gatewayResult(transport, {
        spec,
        platformStates,
        marshalOptions,
        bridge,
        findings,
        session: {
          localDirs,
          secrets: new Set([...firstPass.flatMap((m) => [...m.secrets.keys()]), ...overrides.secrets]),
          sshAgents: new Set([...firstPass.flatMap((m) => [...m.sshAgents.keys()]), ...overrides.ssh]),
          entitlements,
          serve: (uses) => services.add(uses),
        },
        solving,
      });
    } catch (err) {
      if (err instanceof BuildError) throw err;
      // Tell the engine the build failed, so Control.Solve ends with this error.
      const e = err instanceof RpcError ? err : new RpcError("LLBBridge/Solve", 2, String(err));
      // Our own refusals (missing caps ...) are reported as they are.
      const own = !(err instanceof RpcError);
      await transport.rpc.unary(
        LLBBridgeService.return,
        { error: { code: e.grpcCode, message: e.details } },
        { ...bridge, timeoutMs: 10_000 },
      )
        .catch(() => {});
      await solving.catch(() => {});
      await settle(statusDone);
      throw own ? err : findings.buildError(e);
    }
    await transport.rpc.unary(LLBBridgeService.return, { result }, bridge);
    let response;
    try {
      response = await solving;
    } catch (err) {
      await settle(statusDone);
      throw findings.buildError(err);
    }
    await settle(statusDone);
    return { ref, exporterResponse: response.exporterResponse ?? {} };
  } catch (err) {
    if (stopped.signal.aborted) throw masker.error(stopped.signal.reason);
    if (!spec.signal?.aborted && isConnectionLoss(rootCause(err))) throw masker.error(lost("closed", err));
    throw masker.error(withRegistryHint(err, services.registryCredentials));
  } finally {
    unwatch();
    session.close();
    await services.close();
  }
}

// Build errors keep the transport's error as their cause.
function rootCause(err: unknown): unknown {
  return err instanceof BuildError && err.cause !== undefined ? err.cause : err;
}

// A solve with no environment given serves nothing from one; its cwd is never used without overrides.
const NO_SERVICES: SessionServiceOptions = { env: {}, cwd: "/" };

// The status stream ends on its own once the job is done; don't wait forever if it doesn't.
function settle(p: Promise<void>, ms = 5_000): Promise<void> {
  return Promise.race([p.catch(() => {}), new Promise<void>((r) => setTimeout(r, ms).unref?.())]);
}
