/**
 * `.dockerignore` files of `local()` directories: read them before the graph is
 * lowered, so their patterns travel as the sources' exclude patterns, as Docker
 * does with a build context.
 *
 * @module
 */
import type { OpNode } from "../dsl/graph.ts";
import { join } from "node:path";
import { readIgnoreFile } from "../fs/dockerignore.ts";
import { localExcludesKey } from "../llb/source_op.ts";

/**
 * Reads `.dockerignore` (or a Dockerfile's own ignore file) of every local source
 * that applies it, by `localExcludesKey`; a source without one gets no entry.
 *
 * @example
 * ```ts
 * import { local } from "@drydock/core";
 * import { graphNodes } from "../llb/graph_walk.ts";
 * import { readDockerignores } from "./dockerignore.ts";
 * const excludes = await readDockerignores(graphNodes(local(".")));
 * ```
 */
export async function readDockerignores(
  nodes: readonly OpNode[],
): Promise<Map<string, readonly string[]>> {
  const files = new Map<string, readonly string[]>();
  for (const n of nodes) {
    if (n.kind !== "source" || !n.localDir || !n.dockerignore) continue;
    files.set(localExcludesKey(n), n.dockerignoreFiles ?? [join(n.localDir, ".dockerignore")]);
  }
  const found = new Map<string, readonly string[]>();
  await Promise.all([...files].map(async ([key, candidates]) => {
    const patterns = await readIgnoreFile(candidates);
    if (patterns.length > 0) found.set(key, patterns);
  }));
  return found;
}
