/**
 * Chains consecutive file steps into one FileOp where the graph allows: a
 * step of mkdir/mkfile/rm actions joins the file step it builds on when
 * nothing else uses that step's result. Copies and `workdir()` mkdirs keep
 * their own op, as a Dockerfile `COPY` and `WORKDIR` do, so their cache keys
 * match the Dockerfile frontend's.
 *
 * @module
 */
import type { FileAction, FileNode, OpNode, Output } from "../dsl/graph.ts";
import type { SourceLocation } from "../core/location.ts";
import { type ContextOverrides, nodeInputs } from "./graph_walk.ts";

/**
 * How many references each node of the graph under `root` has (the root counts one), with `contexts`
 * replacing the named contexts they name.
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
export function countConsumers(root: Output, contexts?: ContextOverrides): Map<OpNode, number> {
  const counts = new Map<OpNode, number>();
  const visited = new Set<OpNode>();
  const stack: OpNode[] = [root.op];
  counts.set(root.op, 1);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (visited.has(node)) continue;
    visited.add(node);
    for (const o of nodeInputs(node, contexts)) {
      if (o === null) continue;
      counts.set(o.op, (counts.get(o.op) ?? 0) + 1);
      if (!visited.has(o.op)) stack.push(o.op);
    }
  }
  return counts;
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
  // Walk up while the step joins the one below it (a loop, not recursion: chains can be long).
  const chain: FileNode[] = [node];
  for (let top = node; joinsBase(top, consumers); top = top.base!.op as FileNode) {
    chain.push(top.base!.op as FileNode);
  }
  const bottom = chain[chain.length - 1];
  if (chain.length === 1) return { node, locations: node.location ? [node.location] : [] };
  const names: string[] = [];
  const actions: FileAction[] = [];
  const locations: SourceLocation[] = [];
  for (let i = chain.length - 1; i >= 0; i--) {
    const step = chain[i];
    if (step.name) names.push(step.name);
    for (const a of step.actions) actions.push(a);
    if (step.location) locations.push(step.location);
  }
  return {
    node: {
      kind: "file",
      location: bottom.location,
      name: names.join("; ") || undefined,
      base: bottom.base,
      actions,
    },
    locations,
  };
}

function joinsBase(node: FileNode, consumers: ReadonlyMap<OpNode, number>): boolean {
  const base = node.base;
  // A step that must stay its own op (a WORKDIR's mkdir, as the Dockerfile frontend emits it) never joins.
  return !node.actions.some((a) => a.kind === "copy") && !node.ownOp && base !== null &&
    base.op.kind === "file" && !base.op.ownOp && base.index === 0 && consumers.get(base.op) === 1;
}
