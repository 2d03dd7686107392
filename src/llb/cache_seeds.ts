/**
 * Persisted cache mounts (`cache(id, { persist })`) take their seed from the
 * solve, which fetched the persisted copy: the lowering mounts it as the
 * cache's source, so the engine keys the cache on it.
 *
 * @module
 */
import type { ExecNode, Output } from "../dsl/graph.ts";

/** Seeds of persisted cache mounts by cache id; `null` (or no entry) starts the cache empty. */
export type CacheSeeds = ReadonlyMap<string, Output | null>;

/**
 * `node` with each persisted cache mount's source set to its seed, or `node`
 * itself when it mounts no persisted cache.
 *
 * @example
 * ```ts
 * import { cache, image } from "@drydock/core";
 * import { stateData } from "../dsl/state.ts";
 * import { withCacheSeeds } from "./cache_seeds.ts";
 * const step = image("busybox").run("ls /c", { mounts: { "/c": cache("c", { persist: { dir: "ci" } }) } });
 * const node = stateData(step).output!.op;
 * const seed = stateData(image("localhost:5000/c@sha256:" + "0".repeat(64))).output;
 * // node.kind === "exec" && withCacheSeeds(node, new Map([["c", seed]])).mounts[1].source === seed
 * ```
 */
export function withCacheSeeds(node: ExecNode, seeds: CacheSeeds): ExecNode {
  if (!node.mounts.some((m) => m.kind === "cache" && m.persist)) return node;
  return {
    ...node,
    mounts: node.mounts.map((m) =>
      m.kind === "cache" && m.persist ? { ...m, source: seeds.get(m.id) ?? null } : m
    ),
  };
}
