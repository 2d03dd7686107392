/**
 * Chains consecutive file steps into one FileOp where the graph allows: a
 * step of mkdir/mkfile/rm actions joins the file step it builds on when
 * nothing else uses that step's result. Copies keep their own op, as a
 * Dockerfile `COPY` does, so their cache keys match the Dockerfile frontend's.
 *
 * @module
 */
import type { FileNode, OpNode, Output } from "../dsl/graph.ts";
import type { SourceLocation } from "../core/location.ts";
import { nodeInputs } from "./graph_walk.ts";

/**
 * How many references each node of the graph under `root` has (the root counts one).
 *
 * @example
 * ```ts
 * import { scratch } from "@drydock/core";
 * import { stateData } from "../dsl/state.ts";
 * import { countConsumers } from "./file_chain.ts";
 * const out = stateData(scratch().mkdir("/a").mkdir("/b")).output!;
 * countConsumers(out).get(out.op); // 1
 * ```
 */
export function countConsumers(root: Output): Map<OpNode, number> {
  const counts = new Map<OpNode, number>();
  const visited = new Set<OpNode>();
  const stack: OpNode[] = [root.op];
  counts.set(root.op, 1);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (visited.has(node)) continue;
    visited.add(node);
    for (const o of referencedOutputs(node)) {
      counts.set(o.op, (counts.get(o.op) ?? 0) + 1);
      stack.push(o.op);
    }
  }
  return counts;
}

function referencedOutputs(node: OpNode): Output[] {
  return nodeInputs(node).filter((o): o is Output => o !== null);
}

/**
 * The node to lower for `node`: itself, or one node holding the actions of
 * the file steps it chains onto, with the locations of every call involved.
 *
 * @example
 * ```ts
 * import { scratch } from "@drydock/core";
 * import { stateData } from "../dsl/state.ts";
 * import { chainFileNodes, countConsumers } from "./file_chain.ts";
 * const out = stateData(scratch().mkdir("/a").mkfile("/a/b", "x")).output!;
 * const chained = chainFileNodes(out.op as never, countConsumers(out));
 * chained.node.actions.length; // 2
 * ```
 */
export function chainFileNodes(
  node: FileNode,
  consumers: ReadonlyMap<OpNode, number>,
): { node: FileNode; locations: SourceLocation[] } {
  const own = node.location ? [node.location] : [];
  const base = node.base;
  if (
    node.actions.some((a) => a.kind === "copy") || base === null || base.op.kind !== "file" ||
    base.index !== 0 || consumers.get(base.op) !== 1
  ) {
    return { node, locations: own };
  }
  const up = chainFileNodes(base.op, consumers);
  return {
    node: {
      kind: "file",
      location: up.node.location,
      name: [up.node.name, node.name].filter((n) => n).join("; ") || undefined,
      base: up.node.base,
      actions: [...up.node.actions, ...node.actions],
    },
    locations: [...up.locations, ...own],
  };
}
