/**
 * One target's build with all its outputs, cache and attestations on one
 * engine: maps outputs to exporters, falls back to one solve per output on
 * engines that take a single exporter, and pushes through the Engine API where
 * the exporter cannot.
 *
 * @module
 */
import { formatPlatform } from "../core/platform.ts";
import type { StatusResponse } from "../proto/moby_buildkit_v1.gen.ts";
import type * as pb from "../proto/pb.gen.ts";
import type { FileSendTarget } from "../session/filesend_service.ts";
import type { State } from "../dsl/state.ts";
import type { CacheSeeds } from "../llb/cache_seeds.ts";
import type { ContextOverrides } from "../llb/graph_walk.ts";
import type { Transport } from "../transport/transport.ts";
import { type AttestOptions, frontendAttrs } from "./attestations.ts";
import { type CacheExport, type CacheImport, cacheOptions } from "./cache.ts";
import { planLocalCache } from "./local_cache.ts";
import { ENGINE_NAMES, type EngineFeatures } from "./engine_features.ts";
import { type CredentialLookup, type PushResult, pushThroughEngine } from "./engine_push.ts";
import { loadPlan } from "./load_plan.ts";
import type { EngineAddress } from "../transport/address.ts";
import { type BuildOutput, exporterFor, isFileOutput, nameList, UnsupportedOutputError } from "./outputs.ts";
import { solve } from "./solve.ts";
import type { PlatformState } from "./solve_spec.ts";
import type { DynamicState } from "./build_context.ts";
import type { SessionServiceOptions } from "./session_services.ts";
import type { ShellOptions } from "./debug_shell.ts";

/** Everything one target's build needs. */
export interface ExportSpec {
  readonly state: State;
  /** Set for multi-platform builds. */
  readonly platformStates?: readonly PlatformState[];
  /** A dynamic target's function, run inside each build. */
  readonly dynamic?: DynamicState;
  readonly outputs: readonly BuildOutput[];
  readonly cacheFrom?: readonly CacheImport[];
  readonly cacheTo?: readonly CacheExport[];
  readonly attest?: AttestOptions;
  readonly sourceDateEpoch?: number;
  readonly features: EngineFeatures;
  readonly sharedKey: string;
  /** Credentials for pushes made through the Docker Engine API. @default anonymous */
  readonly credentials?: CredentialLookup;
  /** Run every step again instead of using cached results. */
  readonly noCache?: boolean;
  /** Seeds of persisted cache mounts by cache id. @default each starts empty */
  readonly cacheSeeds?: CacheSeeds;
  /** Build args for every frontend (`dockerfile()`), sent as buildx sends `--build-arg`. */
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** Called with each build's ref just before it is sent (one per solve). */
  readonly onStart?: (ref: string) => void;
  readonly onStatus?: (status: StatusResponse) => void;
  /** Called once per fallback used because the engine lacks a feature. @default prints to stderr */
  readonly onNotice?: (message: string) => void;
  /** Called with each definition sent (one per platform and solve). */
  readonly onDefinition?: (definition: pb.Definition) => void;
  readonly signal?: AbortSignal;
  /** Secret and ssh overrides, registry logins, for the session's services. */
  readonly services?: SessionServiceOptions;
  /** Shells to open on a failed step or in the final state. */
  readonly shell?: ShellOptions;
  /** The working directory: build.ts paths in warnings are shown relative to it. @default absolute paths */
  readonly cwd?: string;
  /** The target's name, for progress names of steps whose build.ts line assigns no variable. */
  readonly name?: string;
  /** The Docker Engine that `load: true` image outputs go into when the engine is a standalone BuildKit. */
  readonly loadInto?: EngineAddress;
  /** What named contexts are replaced with, by name (`--build-context`). */
  readonly contexts?: ContextOverrides;
}

/** What one target's build produced. */
export interface ExportResult {
  readonly ref: string;
  /** The exporters' responses, merged (digests, names, descriptors). */
  readonly exporterResponse: Readonly<Record<string, string>>;
  /** Images pushed through the Docker Engine API after the build. */
  readonly pushed: readonly PushResult[];
  /** What drydock did differently from what was asked, and why (e.g. one solve per output). */
  readonly notices: readonly string[];
  /** Images loaded into Docker from a standalone BuildKit (`load: true`). */
  readonly loaded: readonly string[];
}

/**
 * Builds and exports one target.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { buildAndExport } from "./export.ts";
 * // const r = await buildAndExport(transport, {
 * //   state: image("busybox"), outputs: [{ type: "tar", dest: "fs.tar" }],
 * //   features: await probeEngine(transport), sharedKey: "k",
 * // });
 * ```
 */
export async function buildAndExport(transport: Transport, spec: ExportSpec): Promise<ExportResult> {
  const { features } = spec;
  const load = loadPlan(spec.outputs, transport.engine, spec.loadInto, spec.signal);
  const outputs = load.outputs;
  if (spec.platformStates && spec.platformStates.length > 1 && features.kind === "docker-graphdriver") {
    const images = outputs.filter((o) => o.type === "image");
    if (images.length > 0) {
      throw new UnsupportedOutputError(
        `a multi-platform image needs an image index, which ${ENGINE_NAMES[features.kind]} cannot store; ` +
          `use ${ENGINE_NAMES.buildkitd} or ${ENGINE_NAMES["docker-containerd"]}, or local/tar outputs`,
      );
    }
  }
  if (spec.attest?.provenance || spec.attest?.sbom) {
    // BuildKit before 0.11 ignores attestation requests; Docker's graphdriver store drops them.
    const reason = !features.multipleExporters
      ? "this engine's BuildKit is older than 0.11 and ignores them"
      : features.kind === "docker-graphdriver" && outputs.some((o) => o.type === "image")
      ? `${ENGINE_NAMES[features.kind]} stores images without them`
      : undefined;
    if (reason) {
      throw new UnsupportedOutputError(
        `attestations (provenance, SBOM) cannot be made here: ${reason}; use ${ENGINE_NAMES.buildkitd} or ` +
          `${ENGINE_NAMES["docker-containerd"]}`,
      );
    }
  }
  // Check everything before building anything.
  const localCache = planLocalCache(spec.cacheFrom ?? [], spec.cacheTo ?? []);
  const sentCache = cacheOptions(localCache.imports, spec.cacheTo ?? [], features);
  for (const o of outputs) exporterFor(o, features, { sourceDateEpoch: spec.sourceDateEpoch });
  const attrs = {
    ...Object.fromEntries(Object.entries(spec.buildArgs ?? {}).map(([k, v]) => [`build-arg:${k}`, v])),
    ...frontendAttrs(spec.attest, spec.sourceDateEpoch),
    // The platforms asked for: the engine checks the result against them (else against its own platform, and
    // warns when a node builds only a foreign one).
    ...(spec.platformStates
      ? { platform: spec.platformStates.map((p) => formatPlatform(p.platform)).join(",") }
      : {}),
  };

  const notices: string[] = [...localCache.notices];
  // The engine merges all exporters' responses in order; the image's digest and name should win.
  let groups: BuildOutput[][] = [
    [...outputs.filter((o) => o.type !== "image"), ...outputs.filter((o) => o.type === "image")],
  ];
  if (!features.multipleExporters && outputs.length > 1) {
    // The image first: inline cache and the cache export travel with the first solve.
    groups = [...outputs].sort((a, b) => Number(b.type === "image") - Number(a.type === "image")).map((
      o,
    ) => [o]);
    notices.push(
      `this engine takes one exporter per build (BuildKit before 0.13), so drydock built ${outputs.length} ` +
        `times, once per output (${outputs.map((o) => o.type).join(", ")}); the later builds reuse the cache`,
    );
  }

  let ref = "";
  const exporterResponse: Record<string, string> = {};
  for (const [i, group] of groups.entries()) {
    const exporters = group.map((o) => exporterFor(o, features, { sourceDateEpoch: spec.sourceDateEpoch }));
    const fileTargets = group.flatMap((o, exporterIndex) => {
      if (!isFileOutput(o)) return [];
      const writer = load.sinks.get(o);
      const target: FileSendTarget = writer
        ? { type: "stream", dest: o.dest, writer }
        : { type: o.type === "local" ? "local" : "stream", dest: o.dest };
      return [{ target, exporterIndex }];
    });
    const r = await load.during(
      solve(transport, {
        state: spec.state,
        platformStates: spec.platformStates,
        dynamic: spec.dynamic,
        exports: {
          exporters,
          fileTargets,
          cache: i === 0 ? sentCache : { imports: sentCache.imports, exports: [] },
          contentStores: localCache.stores,
          frontendAttrs: attrs,
        },
        sharedKey: spec.sharedKey,
        noCache: spec.noCache,
        cacheSeeds: spec.cacheSeeds,
        onStart: spec.onStart,
        onStatus: spec.onStatus,
        onNotice: spec.onNotice,
        onDefinition: spec.onDefinition,
        signal: spec.signal,
        services: spec.services,
        cwd: spec.cwd,
        name: spec.name,
        ...(spec.contexts ? { contexts: spec.contexts } : {}),
        // One shell per target: with the first of several solves.
        ...(spec.shell && i === 0 ? { shell: spec.shell } : {}),
      }),
      group,
    );
    ref ||= r.ref;
    if (i === 0) localCache.finish(r.exporterResponse);
    Object.assign(exporterResponse, r.exporterResponse);
  }

  const pushed: PushResult[] = [];
  if (features.kind === "docker-graphdriver") {
    for (const o of outputs) {
      if (o.type !== "image" || !o.push) continue;
      for (const name of nameList(o.name)) {
        pushed.push(
          await pushThroughEngine(
            transport,
            name,
            spec.credentials ?? (() => Promise.resolve(undefined)),
            spec.signal,
          ),
        );
      }
    }
  }
  return { ref, exporterResponse, pushed, notices, loaded: load.loaded };
}
