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
// First, so Deno permission errors raised while dependencies load get a one-line hint.
export { permissionHint } from "./src/cli/permission_hint.ts";
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
export { params } from "./src/cli/params.ts";
export type { ParamsOptions } from "./src/cli/params.ts";
export { UsageError } from "./src/cli/usage_error.ts";
export { buildTargets } from "./src/solve/build.ts";
export type { BuildTargetsOptions, Target, TargetResult, Targets } from "./src/solve/build.ts";
export type { BuildOutput, ImageOutput, LocalOutput } from "./src/solve/outputs.ts";
export { BuildError } from "./src/solve/errors.ts";
export { EngineUnavailableError } from "./src/transport/connect.ts";
export type { EngineSelection } from "./src/transport/discover.ts";
export type { TlsOptions } from "./src/transport/address.ts";
export { DockerContextError } from "./src/transport/docker_context.ts";
