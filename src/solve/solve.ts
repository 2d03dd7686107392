/**
 * One build on one engine, the way buildx's `client.Build` does it: a gateway
 * solve (Control.Solve with no definition) in which we call LLBBridge Solve
 * and Return ourselves, so the image config reaches every exporter.
 *
 * @module
 */
import type { State } from "../dsl/state.ts";
import type { SourceLocation } from "../dsl/location.ts";
import type { Digest } from "../llb/digest.ts";
import { checkCaps } from "../llb/caps_check.ts";
import { EngineCaps } from "../llb/engine_caps.ts";
import { graphNodes } from "../llb/graph_walk.ts";
import { marshal, type MarshalOptions } from "../llb/marshal.ts";
import type * as pb from "../proto/pb.gen.ts";
import { ControlService, type StatusResponse } from "../proto/moby_buildkit_v1.gen.ts";
import { LLBBridgeService, type Result } from "../proto/moby_buildkit_v1_frontend.gen.ts";
import { healthMethods } from "../session/health.ts";
import { fileSendMethods } from "../session/filesend_service.ts";
import { fileSyncMethods } from "../session/filesync_service.ts";
import type { SendTreeStats } from "../session/filesync.ts";
import { newSessionId, Session } from "../session/session.ts";
import { RpcError } from "../transport/rpc.ts";
import type { Transport } from "../transport/transport.ts";
import { BuildError, failingVertex } from "./errors.ts";
import { readDockerignores } from "./dockerignore.ts";
import { resolveFrontends } from "./frontends.ts";
import { imageConfig } from "./image_config.ts";
import { type BuildOutput, exporterFor } from "./outputs.ts";
import { prepareSessionServices, type SessionServiceOptions } from "./session_services.ts";
import { withRegistryHint } from "./registry_hint.ts";

/** What to build and where it goes. */
export interface SolveSpec {
  readonly state: State;
  readonly outputs: readonly BuildOutput[];
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
  /** Called with the definition as it is sent, frontends' ops spliced in (for `--print` of a real build). */
  readonly onDefinition?: (definition: pb.Definition) => void;
  /** Called after each upload of a local directory, with what the engine requested. */
  readonly onLocalSent?: (name: string, stats: SendTreeStats) => void;
  readonly signal?: AbortSignal;
  /** Secret and ssh overrides, registry logins, environment for the session's services. */
  readonly services?: SessionServiceOptions;
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
 * import { image } from "../../mod.ts";
 * import { solve } from "./solve.ts";
 * // const result = await solve(transport, { state: image("busybox"), outputs: [], sharedKey: "k" });
 * ```
 */
export async function solve(transport: Transport, spec: SolveSpec): Promise<SolveResult> {
  const nodes = graphNodes(spec.state);
  const marshalOptions: MarshalOptions = {
    localUniqueKey: spec.sharedKey,
    localExcludes: await readDockerignores(nodes),
    ignoreCache: spec.noCache,
  };
  // What the session and the request need is known before the engine's caps and the frontends' results.
  const preview = marshal(spec.state, { ...marshalOptions, previewFrontends: true });
  const { localDirs, entitlements } = preview;
  let locations = preview.locations;
  // Missing secrets and agents fail here, before the engine sees anything.
  const services = await prepareSessionServices(preview, spec.services);
  // The engine names an export stream by the exporter's index among all outputs.
  const localOutputs = spec.outputs.flatMap((o, i) => (o.type === "local" ? [[o, i] as const] : []));
  const session = new Session({
    sharedKey: spec.sharedKey,
    methods: [
      ...healthMethods(),
      ...services.methods,
      ...fileSyncMethods(localDirs, { onSent: spec.onLocalSent }),
      ...fileSendMethods(
        localOutputs.map(([o]) => ({ type: "local", dest: o.dest })),
        localOutputs.map(([, i]) => i),
      ),
    ],
  });
  const ref = newSessionId();
  const exporters = spec.outputs.map((o) => exporterFor(o, transport.engine));
  const bridge = { metadata: { "buildkit-controlapi-buildid": ref }, signal: spec.signal };
  let erroredVertex: Digest | undefined;

  try {
    // The engine waits 5 s for a named session; attach it before solving.
    await session.attach(transport, spec.signal);
    spec.onStart?.(ref);
    const solving = transport.rpc.unary(ControlService.solve, {
      ref,
      session: session.id,
      // host networking and privileged steps are refused unless the request names them.
      entitlements: [...entitlements],
      exporters,
      // Engines before v0.13 read only the first exporter, from these fields.
      exporterDeprecated: exporters[0]?.type,
      exporterAttrsDeprecated: exporters[0]?.attrs,
    }, { signal: spec.signal });
    solving.catch(() => {/* awaited below */});

    const statusDone = (async () => {
      for await (
        const status of transport.rpc.serverStream(ControlService.status, { ref }, { signal: spec.signal })
      ) {
        for (const v of status.vertexes ?? []) if (v.error) erroredVertex = v.digest as Digest;
        spec.onStatus?.(status);
      }
    })();
    statusDone.catch(() => {/* the solve's own error is the one to report */});

    const pong = await transport.rpc.unary(LLBBridgeService.ping, {}, bridge).catch(async (err) => {
      // The engine refuses some requests (e.g. an entitlement it does not grant) before the job
      // exists; then Ping finds no job and Solve's own error is the reason to report.
      throw buildError(await refusalOf(solving, err), locations, undefined);
    });
    const refArray = (pong.frontendAPICaps ?? []).some((c) => c.id === "proto.refarray" && c.enabled);
    const caps = EngineCaps.fromPong(pong, describeEngine(transport));

    let definition;
    try {
      const frontendResults = await resolveFrontends(transport.rpc, bridge, nodes, caps, marshalOptions);
      const lowered = marshal(spec.state, { ...marshalOptions, caps, frontendResults });
      checkCaps(lowered, caps);
      for (const notice of lowered.notices) (spec.onNotice ?? printNotice)(notice);
      definition = lowered.definition;
      if (definition) spec.onDefinition?.(definition);
      locations = lowered.locations;
    } catch (err) {
      // Nothing was solved: end the gateway build with this error, then report it as it is.
      const message = err instanceof Error ? err.message : String(err);
      await transport.rpc.unary(LLBBridgeService.return, { error: { code: 2, message } }, bridge).catch(
        () => {},
      );
      await solving.catch(() => {});
      await settle(statusDone);
      throw err;
    }

    const result: Result = {
      metadata: {
        "containerimage.config": new TextEncoder().encode(JSON.stringify(imageConfig(spec.state))),
      },
    };
    if (definition) {
      try {
        const res = await transport.rpc.unary(LLBBridgeService.solve, {
          definition,
          allowResultReturn: true,
          allowResultArrayRef: true,
        }, bridge);
        const id = res.result?.ref?.id ?? res.result?.refDeprecated ?? res.ref ?? "";
        if (refArray) result.ref = { id };
        else result.refDeprecated = id;
      } catch (err) {
        // Tell the engine the build failed, so Control.Solve ends with this error.
        const e = err instanceof RpcError ? err : new RpcError("LLBBridge/Solve", 2, String(err));
        await transport.rpc.unary(
          LLBBridgeService.return,
          { error: { code: e.code, message: e.details } },
          bridge,
        )
          .catch(() => {});
        await solving.catch(() => {});
        await settle(statusDone);
        throw buildError(e, locations, erroredVertex);
      }
    }
    await transport.rpc.unary(LLBBridgeService.return, { result }, bridge);
    let response;
    try {
      response = await solving;
    } catch (err) {
      await settle(statusDone);
      throw buildError(err, locations, erroredVertex);
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

function describeEngine(transport: Transport): string {
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

// The status stream ends on its own once the job is done; don't wait forever if it doesn't.
function settle(p: Promise<void>, ms = 5_000): Promise<void> {
  return Promise.race([p.catch(() => {}), new Promise<void>((r) => setTimeout(r, ms).unref?.())]);
}

function buildError(
  err: unknown,
  locations: ReadonlyMap<Digest, SourceLocation>,
  erroredVertex: Digest | undefined,
): BuildError {
  if (err instanceof BuildError) return err;
  const rpc = err instanceof RpcError ? err : undefined;
  const message = rpc?.details ?? (err instanceof Error ? err.message : String(err));
  const vertex = (rpc && failingVertex(rpc)) ?? erroredVertex;
  return new BuildError(message, vertex, vertex ? locations.get(vertex) : undefined, { cause: err });
}
