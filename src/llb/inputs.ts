/**
 * The input list of one op, as Go's llb builds it.
 *
 * @module
 */
import type { Output, Platform } from "../dsl/graph.ts";
import type * as pb from "../proto/pb.gen.ts";

/**
 * The inputs of one op, deduplicated by `{digest, index}`.
 *
 * @example
 * ```ts
 * import { InputList } from "./inputs.ts";
 * const inputs = new InputList((o) => ({ digest: "sha256:00", index: BigInt(o.index) }));
 * inputs.indexOf(null); // -1n: scratch
 * ```
 */
export class InputList {
  readonly list: pb.Input[] = [];
  // By "digest index": a merge of thousands of states stays linear.
  readonly #at = new Map<string, bigint>();
  /** `refOf` gives the digest and output index an output lowers to; `undefined` is the empty filesystem. */
  constructor(readonly refOf: (o: Output) => pb.Input | undefined) {}

  /** Index of `o` in the op's inputs, or -1 for scratch. */
  indexOf(o: Output | null): bigint {
    const ref = o === null ? undefined : this.refOf(o);
    if (ref === undefined) return -1n;
    const { digest, index } = ref;
    const key = `${digest} ${index}`;
    const at = this.#at.get(key);
    if (at !== undefined) return at;
    this.list.push({ digest, index });
    const added = BigInt(this.list.length - 1);
    this.#at.set(key, added);
    return added;
  }
}

/**
 * The protobuf form of a platform.
 *
 * @example
 * ```ts
 * import { platformOf } from "./inputs.ts";
 * platformOf({ os: "linux", architecture: "amd64" }); // { architecture: "amd64", os: "linux", variant: undefined }
 * ```
 */
export function platformOf(p: Platform): pb.Platform {
  return { architecture: p.architecture, os: p.os, variant: p.variant };
}
