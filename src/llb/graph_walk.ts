/**
 * Visiting every node a state depends on, dependencies first.
 *
 * @module
 */
import type { OpNode, Output } from "../dsl/graph.ts";
import { type State, stateData } from "../dsl/state.ts";

/**
 * The outputs a node reads. Every node kind is listed here, so a new kind
 * fails the type check until it is added.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { stateData } from "../dsl/state.ts";
 * import { nodeInputs } from "./graph_walk.ts";
 * nodeInputs(stateData(image("busybox").run("true")).output!.op).length; // 1
 * ```
 */
export function nodeInputs(node: OpNode): (Output | null)[] {
  switch (node.kind) {
    case "source":
      return [];
    case "exec":
      return node.mounts.map((m) => ("source" in m ? m.source : null));
    case "file":
      return [node.base, ...node.actions.map((a) => ("source" in a ? a.source : null))];
    case "merge":
      return [...node.inputs];
    case "diff":
      return [node.lower, node.upper];
    case "frontend":
      return Object.values(node.inputs);
  }
}

/**
 * Every node `state` depends on, each once, dependencies before dependents.
 *
 * @example
 * ```ts
 * import { image, local } from "@drydock/core";
 * import { graphNodes } from "./graph_walk.ts";
 * graphNodes(image("busybox").copy(local("."), ".", "/app")).map((n) => n.kind); // ["source", "source", "file"]
 * ```
 */
export function graphNodes(state: State): OpNode[] {
  const order: OpNode[] = [];
  const seen = new Set<OpNode>();
  // Iterative, so deep chains of steps cannot overflow the stack.
  const stack: { node: OpNode; expanded: boolean }[] = [];
  const root = stateData(state).output;
  if (root) stack.push({ node: root.op, expanded: false });
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (seen.has(top.node)) continue;
    if (top.expanded) {
      seen.add(top.node);
      order.push(top.node);
      continue;
    }
    stack.push({ node: top.node, expanded: true });
    for (const input of nodeInputs(top.node).reverse()) {
      if (input && !seen.has(input.op)) stack.push({ node: input.op, expanded: false });
    }
  }
  return order;
}
