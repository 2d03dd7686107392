/**
 * Which node saves a persisted cache mount on a multi-node builder: the node that ran the mount's first
 * using step (the save step runs on that step's root filesystem and platform, and the cache lives on that
 * node's engine). Other nodes that used the same cache id are named, as their content is not saved.
 *
 * @module
 */
import { formatPlatform } from "../core/platform.ts";
import { graphNodes } from "../llb/graph_walk.ts";
import type { NodePart } from "./multi_node.ts";
import type { PersistedMount } from "./persisted_cache.ts";

/**
 * The part whose node saves the mount (the node of its first using step's target and platform), and the
 * names of the other nodes whose steps used the same cache id.
 *
 * @example
 * ```ts
 * import { saverOf } from "./persist_nodes.ts";
 * // const { part, alsoUsedOn } = saverOf(parts, mount);
 * // part.node.transport; // where the save step runs
 * ```
 */
export function saverOf(
  parts: readonly NodePart[],
  m: PersistedMount,
): { part: NodePart; alsoUsedOn: string[] } {
  const platform = formatPlatform(m.step.platform);
  const users = parts.filter((p) => uses(p, m.id));
  const part = parts.find((p) => p.target.name === m.targetName && p.platforms.includes(platform)) ??
    users[0] ?? parts[0];
  const alsoUsedOn = [...new Set(users.map((p) => p.node.node.name))].filter((n) =>
    n !== part.node.node.name
  );
  return { part, alsoUsedOn };
}

// Whether a step of this part's share of its target mounts the persisted cache `id`.
function uses(part: NodePart, id: string): boolean {
  const states = part.target.platformStates
    ?.filter((p) => part.platforms.includes(formatPlatform(p.platform)))
    .map((p) => p.state) ?? [part.target.state];
  return states.some((s) =>
    graphNodes(s).some((n) => n.kind === "exec" && n.mounts.some((x) => x.kind === "cache" && x.id === id))
  );
}
