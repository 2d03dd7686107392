/**
 * What an engine can do with a build's result: which exporters and cache
 * backends it has and whether it takes several exporters in one solve. BuildKit
 * caps do not describe these (they are Docker integration facts), so we read
 * the worker labels and whether `Control.Info` exists.
 *
 * @module
 */
import { ControlService } from "../proto/moby_buildkit_v1.gen.ts";
import { RpcError } from "../transport/rpc.ts";
import type { Transport } from "../transport/transport.ts";

/** The kinds of engine that differ in exporters and cache backends. */
export type EngineKind = "buildkitd" | "docker-containerd" | "docker-graphdriver";

/** What the result of a build can be turned into on one engine. */
export interface EngineFeatures {
  readonly kind: EngineKind;
  /** BuildKit ≥ 0.13 reads `SolveRequest.Exporters`; older ones only the first exporter. */
  readonly multipleExporters: boolean;
}

/** Human names of engine kinds, for messages. */
export const ENGINE_NAMES: Readonly<Record<EngineKind, string>> = {
  "buildkitd": "a standalone buildkitd",
  "docker-containerd": "Docker with the containerd image store",
  "docker-graphdriver": "Docker with a graphdriver image store (overlay2)",
};

// buildx tells a containerd-store Docker apart by this worker label.
const SNAPSHOTTER_LABEL = "org.mobyproject.buildkit.worker.snapshotter";
// Only Docker's BuildKit workers carry this label (20.10's carry none).
const MOBY_LABEL = "org.mobyproject.buildkit.worker.moby.host-gateway-ip";
const GRPC_UNIMPLEMENTED = 12;

/**
 * Asks the engine what it is. Two unary calls, no build.
 *
 * @example
 * ```ts
 * import { probeEngine } from "./engine_features.ts";
 * // const features = await probeEngine(transport); // { kind: "docker-containerd", multipleExporters: true }
 * ```
 */
export async function probeEngine(transport: Transport, signal?: AbortSignal): Promise<EngineFeatures> {
  // Both at once: each is a round trip through the engine's API.
  const [workers, hasInfo] = await Promise.all([
    transport.rpc.unary(ControlService.listWorkers, {}, { signal, timeoutMs: 30_000 }),
    transport.rpc.unary(ControlService.info, {}, { signal, timeoutMs: 30_000 }).then(() => true, (err) => {
      if (err instanceof RpcError && err.grpcCode === GRPC_UNIMPLEMENTED) return false;
      throw err;
    }),
  ]);
  const labels = workers.record?.[0]?.labels ?? {};
  return featuresFrom(transport.engine, labels, hasInfo);
}

/**
 * The features implied by the engine type, the first worker's labels and
 * whether `Control.Info` answered (it is missing before BuildKit 0.11; the
 * engines we support that have it are 0.13).
 *
 * @example
 * ```ts
 * import { featuresFrom } from "./engine_features.ts";
 * featuresFrom("docker", {}, false); // { kind: "docker-graphdriver", multipleExporters: false }
 * ```
 */
export function featuresFrom(
  engine: "docker" | "buildkitd",
  labels: Readonly<Record<string, string>>,
  hasInfo: boolean,
): EngineFeatures {
  // Docker's worker is recognisable even behind BUILDKIT_HOST (a tunnel to its /grpc endpoint).
  const docker = engine === "docker" || MOBY_LABEL in labels;
  const kind: EngineKind = !docker
    ? "buildkitd"
    : SNAPSHOTTER_LABEL in labels
    ? "docker-containerd"
    : "docker-graphdriver";
  return { kind, multipleExporters: hasInfo };
}
