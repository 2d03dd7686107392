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
  HealthcheckOptions,
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
export type {
  BuildOutput,
  Compression,
  ImageFormatOptions,
  ImageOutput,
  ImageTarballOutput,
  LocalOutput,
  TarOutput,
} from "./src/solve/outputs.ts";
export { UnsupportedOutputError } from "./src/solve/outputs.ts";
export type { CacheExport, CacheImport, CacheMode } from "./src/solve/cache.ts";
export { UnsupportedCacheError } from "./src/solve/cache.ts";
export type { AttestOptions } from "./src/solve/attestations.ts";
export { buildMetadata, writeMetadataFile } from "./src/solve/metadata.ts";
export {
  parseCacheExportSpec,
  parseCacheImportSpec,
  parseOutputSpec,
  SpecError,
} from "./src/solve/spec_parse.ts";
export type { MetadataSource } from "./src/solve/metadata.ts";
export type { CredentialLookup, PushResult, RegistryCredentials } from "./src/solve/engine_push.ts";
export { PushError } from "./src/solve/engine_push.ts";
export type { EngineKind } from "./src/solve/engine_features.ts";
export { BuildError } from "./src/solve/errors.ts";
export { EngineUnavailableError } from "./src/transport/connect.ts";
