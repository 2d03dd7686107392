/**
 * One build on one engine, the way buildx's `client.Build` does it: a gateway
 * solve (Control.Solve with no definition) in which we call LLBBridge Solve
 * and Return ourselves, so the image config reaches every exporter.
 *
 * @module
 */
import type { Platform } from "../dsl/graph.ts";
import { type State, stateData } from "../dsl/state.ts";
import { graphNodes } from "../llb/graph_walk.ts";
import { marshal, type MarshalOptions } from "../llb/marshal.ts";
import type * as pb from "../proto/pb.gen.ts";
import {
  type CacheOptions,
  ControlService,
  type Exporter,
  type StatusResponse,
} from "../proto/moby_buildkit_v1.gen.ts";
import { LLBBridgeService, type Result } from "../proto/moby_buildkit_v1_frontend.gen.ts";
import { healthMethods } from "../session/health.ts";
import { contentMethods } from "../session/content_service.ts";
import type { LocalContentStore } from "../session/content_store.ts";
import { fileSendMethods, type FileSendTarget } from "../session/filesend_service.ts";
import { fileSyncMethods } from "../session/filesync_service.ts";
import type { SendTreeStats } from "../session/filesync.ts";
import { newSessionId, Session } from "../session/session.ts";
import { RpcError } from "../transport/rpc.ts";
import type { Transport } from "../transport/transport.ts";
import { BuildError } from "./errors.ts";
import type { DynamicState } from "./build_context.ts";
import { gatewayResult } from "./gateway_result.ts";
import { SolveFindings } from "./solve_findings.ts";
import { prepareSessionServices, type SessionServiceOptions } from "./session_services.ts";
import { withRegistryHint } from "./registry_hint.ts";
import { readDockerignores } from "./dockerignore.ts";
import type { ShellOptions } from "./debug_shell.ts";

/** One platform's state in a (possibly multi-platform) build. */
export interface PlatformState {
  readonly platform: Platform;
  readonly state: State;
}

/** What the engine is asked to do with the result, besides building it. */
export interface SolveExports {
  /** Exporters, in the order the engine numbers them. */
  readonly exporters: readonly Exporter[];
  /** Where each exporter that streams files to us writes, with its index in `exporters`. */
  readonly fileTargets: readonly { readonly target: FileSendTarget; readonly exporterIndex: number }[];
  readonly cache?: CacheOptions;
  readonly frontendAttrs?: Readonly<Record<string, string>>;
  /** Content stores of `local` cache directories, by store id. */
  readonly contentStores?: ReadonlyMap<string, LocalContentStore>;
}

/** What to build and where it goes. */
export interface SolveSpec {
  readonly state: State;
  /** Several platforms: one result per platform, exported as one image index. */
  readonly platformStates?: readonly PlatformState[];
  readonly exports: SolveExports;
  /** Stable per project and machine: lets the engine reuse earlier uploads. */
  readonly sharedKey: string;
  /** Run every step again instead of using cached results. */
  readonly noCache?: boolean;
  /** Called with the build's ref (`SolveRequest.Ref`) just before it is sent. */
  readonly onStart?: (ref: string) => void;
  /** Called with every status update of the build. */
  readonly onStatus?: (status: StatusResponse) => void;
  /** Called once per fallback used because the engine lacks a feature. @default prints to stderr */
  readonly onNotice?: (message: string) => void;
  /** Called with the definition sent for each platform, once the engine's caps and frontends are applied. */
  readonly onDefinition?: (definition: pb.Definition) => void;
  /** Called after each upload of a local directory, with what the engine requested. */
  readonly onLocalSent?: (name: string, stats: SendTreeStats) => void;
  readonly signal?: AbortSignal;
  /**
   * Secret and ssh overrides, registry logins, environment for the session's services.
   * @default none: no `{ env }` secrets, ssh agent or registry logins, and `-` outputs fail
   */
  readonly services?: SessionServiceOptions;
  /** The working directory: build.ts paths in warnings are shown relative to it. @default absolute paths */
  readonly cwd?: string;
  /** The target's name: the stage of steps whose build.ts line assigns no variable. @default "build" */
  readonly name?: string;
  /** A dynamic target's function, run inside the build once per platform; `state` is then unused. */
  readonly dynamic?: DynamicState;
  /** Shells to open: on a failed `run` step (the build waits for it), or in the target's final state. */
  readonly shell?: ShellOptions;
}

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
  const nodes = platformStates.map((p) => graphNodes(p.state));
  const marshalOptions: MarshalOptions = {
    localUniqueKey: spec.sharedKey,
    localExcludes: await readDockerignores(nodes.flat()),
    ignoreCache: spec.noCache,
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
      ),
      ...contentMethods(spec.exports.contentStores ?? new Map()),
    ],
  });
  const ref = newSessionId();
  const bridge = { metadata: { "buildkit-controlapi-buildid": ref }, signal: spec.signal };

  try {
    // The engine waits 5 s for a named session; attach it before solving.
    await session.attach(transport, spec.signal);
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
    }, { signal: spec.signal });
    solving.catch(() => {/* awaited below */});

    const statusDone = (async () => {
      for await (
        const status of transport.rpc.serverStream(ControlService.status, { ref }, { signal: spec.signal })
      ) {
        findings.watch(status);
        spec.onStatus?.(status);
      }
    })();
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
        bridge,
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
    throw withRegistryHint(err, services.registryCredentials);
  } finally {
    session.close();
    await services.close();
  }
}

// A solve with no environment given serves nothing from one; its cwd is never used without overrides.
const NO_SERVICES: SessionServiceOptions = { env: {}, cwd: "/" };

// The status stream ends on its own once the job is done; don't wait forever if it doesn't.
function settle(p: Promise<void>, ms = 5_000): Promise<void> {
  return Promise.race([p.catch(() => {}), new Promise<void>((r) => setTimeout(r, ms).unref?.())]);
}
