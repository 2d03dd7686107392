/**
 * Lowering of `merge()` and `diff()`: MergeOp and DiffOp, and the copy-based
 * fallback for engines without a merge op.
 *
 * @module
 */
import type { DiffNode, FileNode, MergeNode, Output } from "../dsl/graph.ts";
import { copyAction } from "../dsl/file_actions.ts";
import type * as pb from "../proto/pb.gen.ts";
import { Cap, type CapID } from "./caps.ts";

/** Numbers an op's inputs: the index of `o` among them, -1 for scratch. */
export interface InputIndexer {
  indexOf(o: Output | null): bigint;
}

/**
 * The MergeOp of `node`.
 *
 * @example
 * ```ts
 * import { image, merge, scratch } from "@drydock/core";
 * import { marshal } from "./marshal.ts";
 * const { ops } = marshal(merge([image("busybox"), scratch().mkfile("/a", "a")]));
 * ops.at(-2)!.op.merge!.inputs!.length; // 2
 * ```
 */
export function mergeOp(node: MergeNode, inputs: InputIndexer, caps: Set<CapID>): pb.Op {
  caps.add(Cap.mergeOp);
  return { merge: { inputs: node.inputs.map((o) => ({ input: inputs.indexOf(o) })) } };
}

/**
 * The DiffOp of `node`; a scratch side is input -1.
 *
 * @example
 * ```ts
 * import { diff, image } from "@drydock/core";
 * import { marshal } from "./marshal.ts";
 * const base = image("busybox");
 * const { ops } = marshal(diff(base, base.run("touch /x")));
 * ops.at(-2)!.op.diff!.lower!.input; // 0n
 * ```
 */
export function diffOp(node: DiffNode, inputs: InputIndexer, caps: Set<CapID>): pb.Op {
  caps.add(Cap.diffOp);
  return {
    diff: { lower: { input: inputs.indexOf(node.lower) }, upper: { input: inputs.indexOf(node.upper) } },
  };
}

const fallbacks = new WeakMap<MergeNode, FileNode>();

/**
 * The same files as `node` without a merge op: a FileOp copying each later
 * input's root onto the first. Deletions recorded by a `diff()` input are lost,
 * and the result is one layer.
 *
 * @example
 * ```ts
 * import { image, merge, scratch } from "@drydock/core";
 * import { stateData } from "../dsl/state.ts";
 * import type { MergeNode } from "../dsl/graph.ts";
 * import { mergeFallback } from "./merge_op.ts";
 * const m = stateData(merge([image("busybox"), scratch().mkfile("/a", "a")])).output!.op as MergeNode;
 * mergeFallback(m).actions.length; // 1
 * ```
 */
export function mergeFallback(node: MergeNode): FileNode {
  // One FileNode per merge, so the lowering's per-node memo holds.
  const known = fallbacks.get(node);
  if (known) return known;
  const [base, ...rest] = node.inputs;
  const file: FileNode = {
    kind: "file",
    location: node.location,
    name: node.name,
    base,
    // Symlinks are copied as links and nothing is filtered: the layer as it is.
    actions: rest.map((source) =>
      copyAction(source, "/", "/", { followSymlinks: false, allowWildcard: false, allowEmptyWildcard: false })
    ),
  };
  fallbacks.set(node, file);
  return file;
}
