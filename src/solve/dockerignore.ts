/**
 * `.dockerignore` files of `local()` directories: read them before the graph is
 * lowered, so their patterns travel as the sources' exclude patterns, as Docker
 * does with a build context.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { join, posix } from "node:path";
import type { OpNode } from "../dsl/graph.ts";

/**
 * Parses `.dockerignore` text the way Docker's `ignorefile.ReadAll` does:
 * `#` comments, blank lines skipped, patterns trimmed and cleaned, a leading
 * `/` dropped, `!` kept for exceptions.
 *
 * @example
 * ```ts
 * import { parseDockerignore } from "./dockerignore.ts";
 * parseDockerignore("# deps\nnode_modules\n/dist/\n!dist/keep\n"); // ["node_modules", "dist", "!dist/keep"]
 * ```
 */
export function parseDockerignore(text: string): string[] {
  const patterns: string[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = i === 0 ? raw.replace(/^\uFEFF/, "") : raw;
    if (line.startsWith("#")) continue;
    let pattern = line.trim();
    if (pattern === "") continue;
    const invert = pattern.startsWith("!");
    if (invert) pattern = pattern.slice(1).trim();
    if (pattern.length > 0) {
      pattern = posix.normalize(pattern);
      if (pattern.length > 1 && pattern.endsWith("/")) pattern = pattern.slice(0, -1);
      if (pattern.length > 1 && pattern.startsWith("/")) pattern = pattern.slice(1);
    }
    patterns.push(invert ? `!${pattern}` : pattern);
  }
  return patterns;
}

/**
 * Reads `.dockerignore` of every local source that applies it; a directory
 * without one gets no entry.
 *
 * @example
 * ```ts
 * import { local } from "../../mod.ts";
 * import { graphNodes } from "../llb/graph_walk.ts";
 * import { readDockerignores } from "./dockerignore.ts";
 * const excludes = await readDockerignores(graphNodes(local(".")));
 * ```
 */
export async function readDockerignores(
  nodes: readonly OpNode[],
): Promise<Map<string, readonly string[]>> {
  const dirs = new Set<string>();
  for (const n of nodes) if (n.kind === "source" && n.localDir && n.dockerignore) dirs.add(n.localDir);
  const found = new Map<string, readonly string[]>();
  await Promise.all([...dirs].map(async (dir) => {
    let text: string;
    try {
      text = await readFile(join(dir, ".dockerignore"), "utf8");
    } catch (e) {
      if ((e as { code?: string }).code === "ENOENT") return;
      throw e;
    }
    const patterns = parseDockerignore(text);
    if (patterns.length > 0) found.set(dir, patterns);
  }));
  return found;
}
