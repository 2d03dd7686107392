/**
 * `.dockerignore` files of `local()` directories: read them before the graph is
 * lowered, so their patterns travel as the sources' exclude patterns, as Docker
 * does with a build context.
 *
 * @module
 */
import type { OpNode } from "../dsl/graph.ts";
import { readDockerignore } from "../fs/dockerignore.ts";

/**
 * Reads `.dockerignore` of every local source that applies it; a directory
 * without one gets no entry.
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
  const dirs = new Set<string>();
  for (const n of nodes) if (n.kind === "source" && n.type === "local" && n.dockerignore) dirs.add(n.dir);
  const found = new Map<string, readonly string[]>();
  await Promise.all([...dirs].map(async (dir) => {
    const patterns = await readDockerignore(dir);
    if (patterns.length > 0) found.set(dir, patterns);
  }));
  return found;
}
