/**
 * The `builder` option (several nodes) and the build of targets across its nodes: reach them all, choose a
 * node per platform, run each node's part with its own session, assemble the image indexes.
 *
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import type { EngineAddress } from "../transport/address.ts";
import type { SourceLocation } from "../core/location.ts";
import { defaultPlatform, formatPlatform, platformSchema } from "../core/platform.ts";
import {
  type BuilderNode,
  buildxBuilderNodes,
  type NodeOption,
  resolveNodes,
} from "../transport/builder_nodes.ts";
import type { EngineEnv } from "../transport/discover.ts";
import type { EngineSelection } from "../transport/discover.ts";
import type { CredentialLookup } from "./engine_push.ts";
import type { EngineFeatures } from "./engine_features.ts";
import { buildAndExport, type ExportSpec } from "./export.ts";
import { assembleIndexes, nodeLines, planParts, reachNodes, runParts } from "./multi_node.ts";
import { checkLoadTarget, loadJoined } from "./multi_node_load.ts";
import { choosePlatformNodes, type PlatformNode, samePlatform, servingOf } from "./nodes.ts";
import type { ResolvedTarget } from "./targets.ts";

/** A multi-node builder, in build.ts: `build(targets, { builder: { nodes: [...] } })`. */
export interface BuilderOption {
  /** The nodes, in order of preference: for each platform the first that serves it wins. */
  nodes: NodeOption[];
}

/** The `builder` option's schema. */
export const builderSchema: z.ZodType<BuilderOption> = z.strictObject({
  nodes: z.array(z.strictObject({
    address: z.string().min(1, "must not be empty"),
    platforms: z.array(platformSchema).min(1).optional(),
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:#-]*$/, "must be letters, digits, _ . : # -").optional(),
    tls: z.strictObject({
      ca: z.string().optional(),
      cert: z.string().optional(),
      key: z.string().optional(),
      serverName: z.string().optional(),
    }).optional(),
  })).min(1, "must list at least one node"),
});

/**
 * The nodes to build on: the `builder` option's, or a buildx builder's when it has several; `undefined` for a
 * build on one engine.
 *
 * @example
 * ```ts
 * import { builderNodes } from "./node_build.ts";
 * builderNodes({ builder: { nodes: [{ address: "unix:///run/a.sock" }] } }, {})?.[0].name; // "a"
 * builderNodes({}, {}); // undefined
 * ```
 */
export function builderNodes(
  options: { builder?: BuilderOption; engine?: EngineSelection; host?: string },
  env: EngineEnv,
): BuilderNode[] | undefined {
  if (options.builder) return resolveNodes(env, options.builder.nodes, "builder");
  if (!options.engine?.builder || options.host || options.engine.host) return undefined;
  const nodes = buildxBuilderNodes(env, options.engine.builder);
  return nodes && nodes.length > 1 ? nodes : undefined;
}

/** What {@link solveOnNodes} needs besides the targets. */
export interface NodeBuildOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly location?: SourceLocation;
  readonly credentials: CredentialLookup;
  /** The Docker Engine `load: true` images go into. */
  readonly loadInto?: EngineAddress;
}

/** One target's result on a multi-node builder (the fields of `TargetResult`). */
export interface NodeTargetResult {
  readonly target: string;
  readonly ref: string;
  readonly exporterResponse: Readonly<Record<string, string>>;
  readonly outputs: ResolvedTarget["outputs"];
  readonly engine: EngineFeatures["kind"];
  readonly pushed: readonly { name: string; digest?: string }[];
  readonly loaded: readonly string[];
  readonly notices: readonly string[];
  readonly nodes: readonly PlatformNode[];
}

/**
 * Builds the targets across the nodes; every node answers and every platform has a node before anything runs.
 *
 * @example
 * ```ts
 * import { solveOnNodes } from "./node_build.ts";
 * // const results = await solveOnNodes(targets, nodes, specFor, { credentials: async () => undefined });
 * ```
 */
export async function solveOnNodes(
  targets: readonly ResolvedTarget[],
  nodes: readonly BuilderNode[],
  specFor: (t: ResolvedTarget, features: EngineFeatures, signal: AbortSignal, node?: string) => ExportSpec,
  options: NodeBuildOptions,
): Promise<Record<string, NodeTargetResult>> {
  const reached = await reachNodes(nodes, options);
  const scratch = mkdtempSync(join(tmpdir(), "drydock-nodes-"));
  try {
    const { parts, choices } = planParts(targets, reached, options.location, scratch);
    await checkLoadTarget(parts, options.loadInto, options);
    const done = await runParts(parts, (part, signal) => {
      const base = specFor(part.target, part.node.features, signal, part.node.node.name);
      const wanted = part.target.platformStates;
      const spec: ExportSpec = {
        ...base,
        outputs: part.outputs,
        cacheFrom: part.cacheFrom,
        cacheTo: part.cacheTo,
        ...(wanted
          ? {
            platformStates: wanted.filter((p) =>
              part.platforms.includes(
                [p.platform.os, p.platform.architecture, p.platform.variant].filter(Boolean).join("/"),
              )
            ),
          }
          : {}),
      };
      return buildAndExport(part.node.transport, spec);
    }, options.signal);
    const results: Record<string, NodeTargetResult> = {};
    for (const t of targets) {
      const mine = done.filter((d) => d.part.target === t);
      const pushed = await assembleIndexes(t, mine, options.credentials, options.signal);
      const joined = options.loadInto ? await loadJoined(mine, options.loadInto, options.signal) : [];
      const exporterResponse = mine.length === 1
        ? mine[0].result.exporterResponse
        : pushed[0]?.digest
        ? { "containerimage.digest": pushed[0].digest }
        : {};
      results[t.name] = {
        target: t.name,
        ref: mine[0].result.ref,
        exporterResponse,
        outputs: t.outputs,
        engine: mine[0].part.node.features.kind,
        // The index's digest is the image's (`exporterResponse`); `pushed` lists Engine API pushes only.
        pushed: mine.flatMap((d) => d.result.pushed),
        loaded: [...mine.flatMap((d) => d.result.loaded), ...joined],
        notices: mine.flatMap((d) => d.result.notices.map((n) => `${d.part.node.node.name}: ${n}`)),
        nodes: choices.get(t.name) ?? [],
      };
    }
    return results;
  } finally {
    await Promise.all(reached.map((r) => r.transport.close()));
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Which node each platform of each target goes to, from the nodes' declared platforms only (for `--print`
 * and `--dry-run`, which reach no engine). Nodes that declare none are said to be asked at build time.
 *
 * @example
 * ```ts
 * import { plannedNodeLines } from "./node_build.ts";
 * // plannedNodeLines(selected, nodes) → ["app: linux/arm64 on arm", "app: linux/amd64 on x86"]
 * ```
 */
export function plannedNodeLines(
  targets: readonly ResolvedTarget[],
  nodes: readonly BuilderNode[],
  location?: SourceLocation,
): string[] {
  const declared = nodes.filter((n) => n.platforms.length > 0);
  const asked = nodes.filter((n) => n.platforms.length === 0).map((n) => n.name);
  const serving = declared.map((n) => servingOf(n.name, n.address.text, n.platforms, []));
  const lines = targets.flatMap((t) => {
    const platforms = t.platformStates?.map((p) => formatPlatform(p.platform)) ??
      [formatPlatform(defaultPlatform())];
    if (asked.length > 0) {
      const known = platforms.filter((p) => serving.some((s) => s.native.some((q) => samePlatform(p, q))));
      return nodeLines(choosePlatformNodes(serving, known, location)).map((l) => `${t.name}: ${l}`);
    }
    return nodeLines(choosePlatformNodes(serving, platforms, location)).map((l) => `${t.name}: ${l}`);
  });
  if (asked.length > 0) {
    lines.push(`nodes ${asked.join(", ")} declare no platforms: their workers are asked when building`);
  }
  return lines;
}
