/**
 * drydock: Dockerfiles replaced by TypeScript. Describe a build as values,
 * then `build()` compiles it to BuildKit LLB and runs it on a real engine.
 *
 * @example
 * ```ts
 * import { build, image } from "./mod.ts";
 * const hello = image("busybox").run("echo hello > /hello.txt").config({ cmd: ["cat", "/hello.txt"] });
 * await build({ hello: { state: hello, image: "hello:latest" } });
 * ```
 *
 * @module
 */
export { image, local, scratch } from "./src/dsl/sources.ts";
export { State } from "./src/dsl/state.ts";
export type {
  ImageConfigOptions,
  ImageOptions,
  LocalOptions,
  MkdirOptions,
  MkfileOptions,
  RunOptions,
} from "./src/dsl/options.ts";
export type { Platform } from "./src/dsl/graph.ts";
export type { SourceLocation } from "./src/dsl/location.ts";
export { DrydockError, OptionError } from "./src/dsl/errors.ts";
export { marshal } from "./src/llb/marshal.ts";
export type { MarshalOptions, MarshalResult } from "./src/llb/marshal.ts";
export { build } from "./src/cli/run.ts";
export type { BuildOptions } from "./src/cli/run.ts";
export { buildTargets } from "./src/solve/build.ts";
export type { BuildTargetsOptions, Target, TargetResult, Targets } from "./src/solve/build.ts";
export type { BuildOutput, ImageOutput, LocalOutput } from "./src/solve/outputs.ts";
export { BuildError } from "./src/solve/errors.ts";
export { EngineUnavailableError } from "./src/transport/connect.ts";
export { parseDockerignore, readDockerignore } from "./src/fs/dockerignore.ts";
export { PatternError, PatternMatcher } from "./src/fs/patterns.ts";
