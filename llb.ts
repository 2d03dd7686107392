/**
 * LLB tools: compile a state to BuildKit's LLB without an engine, print it as
 * `buildctl debug dump-llb` does, or draw it for Graphviz.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { compileLlb, formatLlb } from "@drydock/core/llb";
 * formatLlb(compileLlb(image("alpine").run("apk add git")));
 * ```
 *
 * @module
 */
export { compileLlb, formatLlb, llbDot } from "./src/llb/compiled.ts";
export type { CompiledLlb, CompileLlbOptions } from "./src/llb/compiled.ts";
export type { DumpedOp } from "./src/llb/dump.ts";
export type { Digest } from "./src/llb/digest.ts";
export type { Entitlement } from "./src/llb/marshal_types.ts";
