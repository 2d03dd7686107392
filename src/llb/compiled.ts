/**
 * A state compiled to LLB, as drydock-owned data for tools: the definition's
 * protobuf bytes (what `buildctl build` reads on stdin), its ops decoded the
 * way `buildctl debug dump-llb` prints them, and what the solve will need.
 * Backs the `@drydock/core/llb` entry point; the protobuf types stay inside.
 *
 * @module
 */
import * as pb from "../proto/pb.gen.ts";
import type { State } from "../dsl/state.ts";
import type { SourceLocation } from "../core/location.ts";
import { definitionDot } from "./dot.ts";
import { dumpDefinition, type DumpedOp } from "./dump.ts";
import { marshal } from "./marshal.ts";
import type { Entitlement } from "./marshal_types.ts";

/** Options of {@link compileLlb}. */
export interface CompileLlbOptions {
  /** Mark every exec and file op `ignore_cache` (`--no-cache`). */
  ignoreCache?: boolean;
}

/** A state compiled to LLB. */
export interface CompiledLlb {
  /** The `pb.Definition` message, encoded: `buildctl build < file` accepts it. Empty for `scratch()`. */
  readonly bytes: Uint8Array;
  /** Every op, decoded, in definition order (the terminal op last). */
  readonly ops: readonly DumpedOp[];
  /** Local directories the engine may ask for: `local://` name to directory on this machine. */
  readonly localDirs: Readonly<Record<string, string>>;
  /** Ids of the secrets the build uses. */
  readonly secrets: readonly string[];
  /** Ids of the ssh agents the build uses. */
  readonly sshAgents: readonly string[];
  /** Privileges the solve must request. */
  readonly entitlements: readonly Entitlement[];
  /** Where each op was made in build.ts, by op digest. */
  readonly locations: Readonly<Record<string, SourceLocation>>;
}

/**
 * Compiles `state` to LLB without an engine. Frontend calls (`dockerfile()`)
 * cannot be compiled this way: the engine runs them.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { compileLlb } from "@drydock/core/llb";
 * const llb = compileLlb(image("busybox").run("echo hi"));
 * llb.ops.length; // 3: the image, the run, and the terminal op
 * ```
 */
export function compileLlb(state: State, options: CompileLlbOptions = {}): CompiledLlb {
  const result = marshal(state, { ignoreCache: options.ignoreCache });
  const definition = result.definition ?? { def: [], metadata: {} };
  return {
    bytes: pb.Definition.encode(definition).finish(),
    ops: dumpDefinition(definition),
    localDirs: Object.fromEntries(result.localDirs),
    secrets: [...result.secrets.keys()],
    sshAgents: [...result.sshAgents.keys()],
    entitlements: result.entitlements,
    locations: Object.fromEntries(result.locations),
  };
}

/**
 * The compiled LLB as JSON lines, one op each, as `buildctl debug dump-llb` prints them.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { compileLlb, formatLlb } from "@drydock/core/llb";
 * formatLlb(compileLlb(image("busybox"))).split("\n")[0].startsWith('{"Digest":"sha256:'); // true
 * ```
 */
export function formatLlb(llb: CompiledLlb): string {
  return llb.ops.length === 0 ? "" : llb.ops.map((op) => JSON.stringify(op)).join("\n") + "\n";
}

/**
 * The compiled LLB as a Graphviz DOT digraph, as `buildctl debug dump-llb --dot` draws it.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { compileLlb, llbDot } from "@drydock/core/llb";
 * llbDot(compileLlb(image("busybox").run("echo hi"))).startsWith("digraph {"); // true
 * ```
 */
export function llbDot(llb: CompiledLlb): string {
  return definitionDot(pb.Definition.decode(llb.bytes));
}
