/**
 * Visiting every node a state depends on, dependencies first.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import { formatLocation } from "../core/location.ts";
import type { ContextNode, FrontendNode, OpNode, Output } from "../dsl/graph.ts";
import { type State, stateData } from "../dsl/state.ts";

/** What named contexts (`context()`) are replaced with in a build, by name. */
export type ContextOverrides = ReadonlyMap<string, State>;

/**
 * The filesystem a `context()` node stands for: its override when the build gives one, else its default.
 *
 * @example
 * ```ts
 * import { context, image, local } from "@drydock/core";
 * import { stateData } from "../dsl/state.ts";
 * import { contextInput } from "./graph_walk.ts";
 * const node = stateData(context("src", local("."))).output!.op;
 * contextInput(node as never, new Map([["src", image("busybox")]]))!.op.kind; // "source"
 * ```
 */
export function contextInput(node: ContextNode, overrides: ContextOverrides | undefined): Output | null {
  const override = overrides?.get(node.contextName);
  return override ? stateData(override).output : node.input;
}

/**
 * A frontend's (`dockerfile()`'s) options and inputs with `contexts` replacing the named contexts it
 * was given: an image as `docker-image://REF` (the frontend resolves its config), anything else as an
 * input state.
 *
 * @example
 * ```ts
 * import { dockerfile, image, local } from "@drydock/core";
 * import { stateData } from "../dsl/state.ts";
 * import { frontendInputs } from "./graph_walk.ts";
 * const node = stateData(dockerfile(local("."), { contexts: { base: local("b") } })).output!.op;
 * frontendInputs(node as never, new Map([["base", image("busybox")]])).attrs["context:base"];
 * // "docker-image://docker.io/library/busybox:latest"
 * ```
 */
export function frontendInputs(
  node: FrontendNode,
  contexts: ContextOverrides | undefined,
): { attrs: Readonly<Record<string, string>>; inputs: Readonly<Record<string, Output | null>> } {
  const names = [...(contexts?.keys() ?? [])].filter((n) => `context:${n}` in node.attrs);
  if (names.length === 0) return node;
  const attrs = { ...node.attrs };
  const inputs = { ...node.inputs };
  for (const name of names) {
    const output = stateData(contexts!.get(name)!).output;
    delete inputs[`named-context:${name}`];
    if (output?.op.kind === "source" && output.op.type === "image") {
      attrs[`context:${name}`] = `docker-image://${output.op.ref}`;
    } else {
      attrs[`context:${name}`] = `input:named-context:${name}`;
      inputs[`named-context:${name}`] = output;
    }
  }
  return { attrs, inputs };
}

/**
 * The names of the contexts `states` declare, sorted: their `context()` names and their `dockerfile()`
 * calls' named contexts.
 *
 * @example
 * ```ts
 * import { context, image, local } from "@drydock/core";
 * import { declaredContexts } from "./graph_walk.ts";
 * declaredContexts([image("busybox").copy(context("src", local(".")), ".", "/app")]); // ["src"]
 * ```
 */
export function declaredContexts(states: readonly State[]): string[] {
  const names = new Set<string>();
  for (const state of states) {
    for (const node of graphNodes(state)) {
      if (node.kind === "context") names.add(node.contextName);
      if (node.kind !== "frontend") continue;
      for (const key of Object.keys(node.attrs)) if (key.startsWith("context:")) names.add(key.slice(8));
    }
  }
  return [...names].sort();
}

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
export function nodeInputs(node: OpNode, contexts?: ContextOverrides): (Output | null)[] {
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
      return Object.values(frontendInputs(node, contexts).inputs);
    case "context":
      return [contextInput(node, contexts)];
  }
}

/**
 * Every node `state` depends on, each once, dependencies before dependents, with `contexts` replacing
 * the named contexts they name. Throws when the replacements make a cycle (a context replaced by a
 * target that uses it).
 *
 * @example
 * ```ts
 * import { image, local } from "@drydock/core";
 * import { graphNodes } from "./graph_walk.ts";
 * graphNodes(image("busybox").copy(local("."), ".", "/app")).map((n) => n.kind); // ["source", "source", "file"]
 * ```
 */
export function graphNodes(state: State, contexts?: ContextOverrides): OpNode[] {
  const order: OpNode[] = [];
  const seen = new Set<OpNode>();
  // Iterative, so deep chains of steps cannot overflow the stack.
  const stack: { node: OpNode; expanded: boolean }[] = [];
  const root = stateData(state).output;
  if (root) stack.push({ node: root.op, expanded: false });
  // Nodes whose inputs are being visited: meeting one again is a cycle (only overrides can make one).
  const open = new Set<OpNode>();
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (seen.has(top.node)) continue;
    if (top.expanded) {
      open.delete(top.node);
      seen.add(top.node);
      order.push(top.node);
      continue;
    }
    if (open.has(top.node)) throw contextCycle(top.node, stack.map((s) => s.node).filter((n) => open.has(n)));
    open.add(top.node);
    stack.push({ node: top.node, expanded: true });
    for (const input of nodeInputs(top.node, contexts).reverse()) {
      if (input && !seen.has(input.op)) stack.push({ node: input.op, expanded: false });
    }
  }
  return order;
}

function contextCycle(node: OpNode, path: readonly OpNode[]): DrydockError {
  const names = [...path, node].filter((n): n is ContextNode => n.kind === "context").map((n) =>
    n.contextName
  );
  const at = node.location;
  return new DrydockError(
    "E_OPTION",
    (cwd) =>
      `build context "${names.at(-1) ?? "?"}"${
        at ? ` (at ${formatLocation(at, cwd)})` : ""
      } is replaced by a ` +
      `state that uses it (through ${[...new Set(names)].join(" -> ")}): a context cannot contain itself`,
  );
}
