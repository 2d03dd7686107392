/**
 * A readable dump of an LLB definition, one JSON object per op in definition
 * order, like `buildctl debug dump-llb`. Backs `--print`.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import * as pb from "../proto/pb.gen.ts";
import { type Digest, digestOf } from "./digest.ts";

/** One op of a dump. */
export interface DumpedOp {
  /** The op's digest: the sha256 of its encoded bytes, as the engine names the step. */
  readonly Digest: Digest;
  /** The op as JSON: int64s as numbers, bytes as base64 (as Go writes them). */
  readonly Op: unknown;
  /** The op's metadata (description, caps, progress group ...) as JSON, when it has any. */
  readonly OpMetadata?: unknown;
}

/**
 * The ops of `definition`, decoded, in definition order (the terminal op last).
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { marshal } from "./marshal.ts";
 * import { dumpDefinition } from "./dump.ts";
 * const ops = dumpDefinition(marshal(image("busybox")).definition!);
 * ops[0].Digest; // "sha256:…"
 * ```
 */
export function dumpDefinition(definition: pb.Definition): DumpedOp[] {
  return (definition.def ?? []).map((bytes) => {
    const digest = digestOf(bytes);
    const metadata = definition.metadata?.[digest];
    const dumped: DumpedOp = { Digest: digest, Op: plain(pb.Op.fromBinary(bytes)) };
    return metadata && Object.keys(metadata).length > 0 ? { ...dumped, OpMetadata: plain(metadata) } : dumped;
  });
}

/**
 * The dump as text: one JSON line per op, as `buildctl debug dump-llb` prints it.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { marshal } from "./marshal.ts";
 * import { formatDump } from "./dump.ts";
 * console.log(formatDump(marshal(image("busybox").run("echo hi")).definition!));
 * ```
 */
export function formatDump(definition: pb.Definition): string {
  return dumpDefinition(definition).map((op) => JSON.stringify(op)).join("\n") + "\n";
}

// Plain JSON values: bigint as number (LLB int64s are small), bytes as base64, and zero
// scalars and empty lists left out, as Go's omitempty JSON does.
function plain(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!isZero(v)) out[k] = plain(v);
    return out;
  }
  return value;
}

function isZero(v: unknown): boolean {
  return v === undefined || v === "" || v === false || v === 0 || v === 0n ||
    (Array.isArray(v) && v.length === 0) || (v instanceof Uint8Array && v.length === 0);
}
