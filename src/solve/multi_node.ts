/**
 * Building targets on a multi-node builder: every node is reached and asked what it serves before anything
 * runs; each platform goes to its node, which solves with its own session; the platforms' images, pushed by
 * digest, are joined into one image index under each tag, and local outputs get a folder per platform.
 *
 * @module
 */
import { join } from "node:path";
import { formatPlatform, parsePlatform } from "../core/platform.ts";
import { formatLocation, type SourceLocation } from "../core/location.ts";
import { defaultPlatform } from "../core/platform.ts";
import { normalizeImageRef } from "../dsl/reference.ts";
import type { StatusResponse } from "../proto/moby_buildkit_v1.gen.ts";
import { ControlService } from "../proto/moby_buildkit_v1.gen.ts";
import type { BuilderNode } from "../transport/builder_nodes.ts";
import { connect, EngineUnavailableError } from "../transport/connect.ts";
import type { Transport } from "../transport/transport.ts";
import type { CacheExport, CacheImport } from "./cache.ts";
import type { CredentialLookup, PushResult } from "./engine_push.ts";
import { type EngineFeatures, featuresFrom } from "./engine_features.ts";
import { fanOut } from "./fan_out.ts";
import { type IndexEntry, RegistryRepository } from "./image_index.ts";
import { BuilderError, choosePlatformNodes, type NodeServing, servingOf } from "./nodes.ts";
import type { PlatformNode } from "./nodes.ts";
import { type BuildOutput, nameList, UnsupportedOutputError } from "./outputs.ts";
import type { ResolvedTarget } from "./targets.ts";
import type { ExportResult } from "./export.ts";

/** A node reached: its connection, what it is and what it serves. */
export interface ReachedNode {
  readonly node: BuilderNode;
  readonly transport: Transport;
  readonly features: EngineFeatures;
  readonly serving: NodeServing;
}

/** One node's part of one target: its platforms and the outputs it makes. */
export interface NodePart {
  readonly target: ResolvedTarget;
  readonly node: ReachedNode;
  readonly platforms: readonly string[];
  readonly outputs: readonly BuildOutput[];
  readonly cacheFrom: readonly CacheImport[];
  readonly cacheTo: readonly CacheExport[];
  /** Where this node's OCI archive of a `load: true` image goes, to be joined with the other nodes'. */
  readonly loadArchive?: string;
}

/** What a multi-node build of one target made. */
export interface MultiNodeResult {
  readonly parts: readonly { part: NodePart; result: ExportResult }[];
  readonly nodes: readonly PlatformNode[];
  readonly pushed: readonly PushResult[];
}

/**
 * Connects to every node at once and asks each what it is and serves; fails naming every node that does not
 * answer. Connections already open are closed on failure.
 *
 * @example
 * ```ts
 * import { reachNodes } from "./multi_node.ts";
 * // const reached = await reachNodes(nodes, { timeoutMs: 5000 });
 * ```
 */
export async function reachNodes(
  nodes: readonly BuilderNode[],
  options: { timeoutMs?: number; signal?: AbortSignal; location?: SourceLocation },
): Promise<ReachedNode[]> {
  const settled = await Promise.allSettled(nodes.map(async (node): Promise<ReachedNode> => {
    const transport = await connect([node.address], options);
    try {
      const workers = await transport.rpc.unary(ControlService.listWorkers, {}, {
        signal: options.signal,
        timeoutMs: 30_000,
      });
      const record = workers.record?.[0];
      const hasInfo = await transport.rpc.unary(ControlService.info, {}, {
        signal: options.signal,
        timeoutMs: 30_000,
      })
        .then(() => true, () => false);
      const reported = (record?.platforms ?? []).map((p) => ({
        os: p.os ?? "linux",
        architecture: p.architecture ?? "",
        ...(p.variant ? { variant: p.variant } : {}),
      }));
      return {
        node,
        transport,
        features: featuresFrom(transport.engine, record?.labels ?? {}, hasInfo),
        serving: servingOf(node.name, node.address.text, node.platforms, reported),
      };
    } catch (err) {
      await transport.close();
      throw err;
    }
  }));
  const failed = settled.flatMap((r, i) => (r.status === "rejected" ? [[nodes[i], r.reason] as const] : []));
  if (failed.length === 0) return settled.map((r) => (r as PromiseFulfilledResult<ReachedNode>).value);
  await Promise.all(settled.map((r) => r.status === "fulfilled" ? r.value.transport.close() : undefined));
  options.signal?.throwIfAborted();
  throw new BuilderError((cwd) =>
    `builder node${failed.length > 1 ? "s" : ""} ${
      failed.map(([n, err]) => `${n.name} (${n.address.text}) did not answer: ${reasonOf(err)}`).join("; ")
    }; nodes: ${
      nodes.map((n) => `${n.name} (${n.platforms.join(", ") || "platforms from its workers"})`).join(", ")
    }` +
    (options.location ? ` (build at ${formatLocation(options.location, cwd)})` : "")
  );
}

function reasonOf(err: unknown): string {
  // The connect error's advice is about one engine found by discovery; here only its reason matters.
  if (err instanceof EngineUnavailableError) return err.attempts.map((a) => a.reason).join("; ");
  return (err as Error)?.message ?? String(err);
}

/**
 * Splits each target into one part per node, checking every output can be assembled, before anything runs.
 *
 * @example
 * ```ts
 * import { planParts } from "./multi_node.ts";
 * // const { parts, choices } = planParts(targets, reached, location);
 * ```
 */
export function planParts(
  targets: readonly ResolvedTarget[],
  reached: readonly ReachedNode[],
  location?: SourceLocation,
  scratchDir = "",
): { parts: NodePart[]; choices: Map<string, PlatformNode[]> } {
  const parts: NodePart[] = [];
  const choices = new Map<string, PlatformNode[]>();
  for (const t of targets) {
    const platforms = t.platformStates?.map((p) => formatPlatform(p.platform)) ??
      [formatPlatform(defaultPlatform())];
    const chosen = choosePlatformNodes(reached.map((r) => r.serving), platforms, location);
    choices.set(t.name, chosen);
    const byNode = reached.filter((r) => chosen.some((c) => c.node === r.node.name));
    const split = byNode.length > 1;
    for (const r of byNode) {
      const mine = chosen.filter((c) => c.node === r.node.name).map((c) => c.platform);
      const loads = split && t.outputs.some((o) => o.type === "image" && o.load);
      const loadArchive = loads ? join(scratchDir, `${parts.length}.oci.tar`) : undefined;
      parts.push({
        target: t,
        node: r,
        platforms: mine,
        outputs: split ? t.outputs.flatMap((o) => splitOutput(o, mine, t.name, r, loadArchive)) : t.outputs,
        ...(loadArchive ? { loadArchive } : {}),
        cacheFrom: split
          ? t.cacheFrom.map((c) => (c.type === "registry" ? { ...c, ref: suffixed(c.ref, mine) } : c))
          : t.cacheFrom,
        cacheTo: split
          ? t.cacheTo.map((c) => (c.type === "registry" ? { ...c, ref: suffixed(c.ref, mine) } : c))
          : t.cacheTo,
      });
    }
  }
  return { parts, choices };
}

// One node's share of an output that several nodes make together.
function splitOutput(
  o: BuildOutput,
  platforms: readonly string[],
  target: string,
  r: ReachedNode,
  loadArchive: string | undefined,
): BuildOutput[] {
  if (o.type === "local") {
    // One platform: its own folder, named as BuildKit names them when it exports several (linux_arm64).
    return [platforms.length === 1 ? { ...o, dest: join(o.dest, platforms[0].replaceAll("/", "_")) } : o];
  }
  if (o.type !== "image") {
    throw new UnsupportedOutputError(
      `target ${target}: a "${o.type}" archive built on several nodes is not assembled by drydock; ` +
        'use a "local" output (a folder per platform) or push the image',
    );
  }
  // Loaded: each node's platforms as an OCI archive, joined into one image for Docker's containerd store.
  const loaded: BuildOutput[] = o.load && loadArchive ? [{ type: "oci", dest: loadArchive }] : [];
  if (!o.push) {
    if (o.load) return loaded;
    throw new UnsupportedOutputError(
      `target ${target}: an image built on several nodes is assembled in a registry (push: true, --push) or ` +
        "in Docker's containerd image store (load: true, --load); or build its platforms on one node",
    );
  }
  if (r.features.kind === "docker-graphdriver") {
    throw new UnsupportedOutputError(
      `target ${target}: node ${r.node.name} is Docker with a graphdriver image store, which cannot push by ` +
        "digest; use a buildkitd or Docker with the containerd image store there",
    );
  }
  const repositories = [...new Set(nameList(o.name).map(repositoryOf))];
  const { load: _load, ...rest } = o;
  return [...loaded, { ...rest, name: repositories, push: true, pushByDigest: true, store: false }];
}

function repositoryOf(name: string): string {
  const ref = normalizeImageRef(name);
  return `${ref.domain}/${ref.path}`;
}

// buildx's rule for several nodes sharing one cache ref: each writes its own, suffixed with its platforms.
function suffixed(ref: string, platforms: readonly string[]): string {
  const suffix = platforms.map((p) => p.replaceAll("/", "-")).join("-");
  const at = ref.lastIndexOf(":");
  return at > ref.lastIndexOf("/") ? `${ref}-${suffix}` : `${ref}:${suffix}`;
}

/**
 * Runs every part at once; the first failure cancels the others.
 *
 * @example
 * ```ts
 * import { runParts } from "./multi_node.ts";
 * // const results = await runParts(parts, (part, signal) => buildAndExport(part.node.transport, spec), signal);
 * ```
 */
export async function runParts(
  parts: readonly NodePart[],
  run: (part: NodePart, signal: AbortSignal) => Promise<ExportResult>,
  signal?: AbortSignal,
): Promise<{ part: NodePart; result: ExportResult }[]> {
  const named = parts.map((part, i) => ({ name: String(i), part }));
  const results = await fanOut(named, (p, s) => run(p.part, s), signal);
  return named.map((p) => ({ part: p.part, result: results[p.name] }));
}

/**
 * Joins each split image output's per-node digests into one index under each of its names.
 *
 * @example
 * ```ts
 * import { assembleIndexes } from "./multi_node.ts";
 * // const pushed = await assembleIndexes(target, done, credentials, signal);
 * ```
 */
export async function assembleIndexes(
  target: ResolvedTarget,
  done: readonly { part: NodePart; result: ExportResult }[],
  credentials: CredentialLookup,
  signal?: AbortSignal,
): Promise<PushResult[]> {
  if (done.length < 2) return [];
  const pushed: PushResult[] = [];
  for (const o of target.outputs) {
    if (o.type !== "image" || !o.push) continue;
    for (const name of nameList(o.name)) {
      const repo = new RegistryRepository(name, credentials, signal);
      const entries: IndexEntry[] = [];
      for (const { part, result } of done) {
        const digest = result.exporterResponse["containerimage.digest"];
        if (!digest) {
          throw new BuilderError(`target ${target.name}: node ${part.node.node.name} reported no digest`);
        }
        const platform = part.platforms.length === 1 ? toOci(part.platforms[0]) : undefined;
        entries.push(...await repo.entriesOf(digest, platform));
      }
      const ref = normalizeImageRef(name);
      const digest = await repo.putIndex(ref.tag ?? "latest", entries);
      pushed.push({ name, digest });
    }
  }
  return pushed;
}

function toOci(text: string): IndexEntry["platform"] {
  const p = parsePlatform(text);
  return { os: p.os, architecture: p.architecture, ...(p.variant ? { variant: p.variant } : {}) };
}

/**
 * Prefixes the name of every step in a status update with its node, as `[arm] ` (progress shows where each
 * step runs).
 *
 * @example
 * ```ts
 * import { withNodeName } from "./multi_node.ts";
 * withNodeName({ vertexes: [{ digest: "sha256:a", name: "[app 1/2] RUN make" }] }, "arm").vertexes?.[0].name;
 * // "[arm] [app 1/2] RUN make"
 * ```
 */
export function withNodeName(status: StatusResponse, node: string): StatusResponse {
  if (!status.vertexes?.length) return status;
  return {
    ...status,
    vertexes: status.vertexes.map((v) => (v.name ? { ...v, name: `[${node}] ${v.name}` } : v)),
  };
}

/**
 * The summary lines of a target's platforms and their nodes.
 *
 * @example
 * ```ts
 * import { nodeLines } from "./multi_node.ts";
 * nodeLines([{ platform: "linux/arm64", node: "arm", emulated: false, alsoServedBy: ["x86"] }]);
 * // ["linux/arm64 on arm (x86 serves it too; the first node wins)"]
 * ```
 */
export function nodeLines(nodes: readonly PlatformNode[]): string[] {
  return nodes.map((c) =>
    `${c.platform} on ${c.node}${c.emulated ? " (emulated: no node runs it natively)" : ""}` +
    (c.alsoServedBy.length > 0 ? ` (${c.alsoServedBy.join(", ")} serves it too; the first node wins)` : "")
  );
}
