/**
 * The build graph of an LLB definition in Graphviz DOT, like
 * `buildctl debug dump-llb --dot`. Backs `--dot`.
 *
 * @module
 */
import * as pb from "../proto/pb.gen.ts";
import { digestOf } from "./digest.ts";

/**
 * A DOT digraph: one node per op (labelled with its progress name or what it
 * does), one edge per input, from the input to the op that uses it.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { marshal } from "./marshal.ts";
 * import { definitionDot } from "./dot.ts";
 * const dot = definitionDot(marshal(image("busybox").run("echo hi")).definition!);
 * dot.startsWith("digraph"); // true
 * ```
 */
export function definitionDot(definition: pb.Definition): string {
  const defs = definition.def ?? [];
  const lines = ["digraph {", "  rankdir=LR;", "  node [shape=box, fontname=monospace];"];
  defs.forEach((bytes, i) => {
    const digest = digestOf(bytes);
    const op = pb.Op.fromBinary(bytes);
    const terminal = i === defs.length - 1;
    const name = definition.metadata?.[digest]?.description?.["llb.customname"];
    const label = terminal ? "result" : `${name ?? describeOp(op)}\n${digest.slice(7, 19)}`;
    lines.push(`  ${quote(digest)} [label=${quote(label)}${terminal ? ", shape=oval" : ""}];`);
    for (const input of op.inputs ?? []) {
      const edge = input.index ? ` [label=${quote(String(input.index))}]` : "";
      lines.push(`  ${quote(input.digest ?? "")} -> ${quote(digest)}${edge};`);
    }
  });
  lines.push("}");
  return lines.join("\n") + "\n";
}

function describeOp(op: pb.Op): string {
  if (op.source) return op.source.identifier ?? "source";
  if (op.exec) return (op.exec.meta?.args ?? []).join(" ");
  if (op.file) {
    return (op.file.actions ?? []).map((a) =>
      a.copy
        ? `copy ${a.copy.src} ${a.copy.dest}`
        : a.mkdir
        ? `mkdir ${a.mkdir.path}`
        : a.mkfile
        ? `mkfile ${a.mkfile.path}`
        : a.rm
        ? `rm ${a.rm.path}`
        : a.symlink
        ? `symlink ${a.symlink.newpath} -> ${a.symlink.oldpath}`
        : "file"
    ).join("; ");
  }
  if (op.merge) return `merge (${op.merge.inputs?.length ?? 0} inputs)`;
  if (op.diff) return "diff";
  if (op.build) return "build";
  return "op";
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}
