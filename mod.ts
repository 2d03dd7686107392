/**
 * drydock: Dockerfiles replaced by TypeScript. Describe a build as values,
 * then `build()` compiles it to BuildKit LLB and runs it on a real engine.
 *
 * This entry point is the DSL, `build`, `buildTargets`, `params` (with zod as
 * `z`), the errors and the types. Progress renderers are in
 * `@drydock/core/progress`, LLB tools in `@drydock/core/llb`, and parsers of
 * buildx's command-line specs in `@drydock/core/spec`.
 *
 * @example A first build
 * ```ts no-eval
 * import { build, image } from "@drydock/core";
 * const hello = image("busybox").run("echo hello > /hello.txt").config({ cmd: ["cat", "/hello.txt"] });
 * await build({ hello: { state: hello, image: "hello:latest" } }, { cli: false });
 * ```
 *
 * @module
 */
// First: on Deno without environment access, one clear prompt before dependencies load.
import "./src/cli/deno_permissions.ts";
export { image, local, scratch } from "./src/dsl/sources.ts";
export { git, http } from "./src/dsl/remote_sources.ts";
export { diff, merge } from "./src/dsl/composition.ts";
export { dockerfile } from "./src/dsl/dockerfile.ts";
export { context } from "./src/dsl/context.ts";
export type { DockerfileOptions } from "./src/dsl/dockerfile_options.ts";
export type { GitOptions, HttpOptions, Owner, ResolveMode } from "./src/dsl/source_options.ts";
export { ExecState, State } from "./src/dsl/state.ts";
export type { StateBase } from "./src/dsl/state_base.ts";
export type { UlimitName } from "./src/dsl/state_run_settings.ts";
export { ULIMIT_NAMES } from "./src/dsl/option_schemas.ts";
export type { RunSettingsBase } from "./src/dsl/state_run_settings.ts";
export type { ImageConfigResolver } from "./src/dsl/resolve_base.ts";
export type {
  BindMountOptions,
  CdiDeviceOptions,
  ChownValue,
  CopyOptions,
  HealthcheckOptions,
  ImageConfigOptions,
  ImageOptions,
  LocalOptions,
  MkdirOptions,
  MkfileOptions,
  MountValue,
  RmOptions,
  RunOptions,
  SecretEnvOptions,
  SecretMountOptions,
  SshMountOptions,
  SymlinkOptions,
  TimestampValue,
} from "./src/dsl/options.ts";
export { secret, ssh } from "./src/dsl/secrets.ts";
export type { Secret, SecretSource, SecretValue, SshAgent, SshOptions } from "./src/dsl/secrets.ts";
export { cache, tmpfs } from "./src/dsl/mounts.ts";
export type { CacheOptions, TmpfsOptions } from "./src/dsl/mounts.ts";
export type { CacheMountSpec, TmpfsMountSpec } from "./src/dsl/mount_specs.ts";
export type { PersistOption, PersistTarget } from "./src/dsl/persist.ts";
export type { CacheSharing, Platform } from "./src/dsl/graph.ts";
export type { NetworkMode, ProxyEnv, SecurityMode } from "./src/dsl/step_settings.ts";
export type { SourceLocation } from "./src/core/location.ts";
export { DrydockError, OptionError } from "./src/core/errors.ts";
export type { ErrorCode, ErrorMessage, OptionProblem } from "./src/core/errors.ts";
export { build } from "./src/cli/run.ts";
export type { BuildOptions } from "./src/cli/run.ts";
export { params } from "./src/cli/params.ts";
export { z } from "./src/cli/zod.ts";
export type { ParamSchema, ParamsOptions, ParamValues } from "./src/cli/params.ts";
export { UsageError } from "./src/cli/usage_error.ts";
export { permissionHint } from "./src/cli/permission_hint.ts";
export { buildTargets } from "./src/cli/build_targets.ts";
export type { BuildTargetsOptions, TargetResult } from "./src/solve/build.ts";
export type { PersistedCacheReport } from "./src/solve/persist_save.ts";
export type { BuilderOption } from "./src/solve/node_build.ts";
export type { PlatformNode } from "./src/solve/nodes.ts";
export type { NodeOption } from "./src/transport/builder_nodes.ts";
export type { Target, TargetOverrides, Targets } from "./src/solve/targets.ts";
export type { ContextValue } from "./src/solve/context_overrides.ts";
export type {
  BuildContext,
  DynamicState,
  EngineInfo,
  ReadDirOptions,
  ReadFileOptions,
  ResolvedImageConfig,
} from "./src/solve/build_context.ts";
export type { Container, ContainerOptions, ExecOptions, Process } from "./src/solve/container_context.ts";
export type { WarnOptions } from "./src/solve/warnings.ts";
export type { FileInfo } from "./src/gateway/file_info.ts";
export type { GoModeKind as FileKind } from "./src/fs/go_mode.ts";
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
export { writeMetadataFile } from "./src/solve/metadata.ts";
export type { MetadataSource } from "./src/solve/metadata.ts";
export type { PushResult } from "./src/solve/engine_push.ts";
export { PushError } from "./src/solve/engine_push.ts";
export type { EngineKind } from "./src/solve/engine_features.ts";
export { BuildError } from "./src/solve/errors.ts";
export { CapabilityError } from "./src/llb/caps_check.ts";
export type { MissingCap } from "./src/llb/caps_check.ts";
export type { CapProblem } from "./src/llb/engine_caps.ts";
export type { Digest } from "./src/llb/digest.ts";
export type { Entitlement } from "./src/llb/marshal_types.ts";
export { EngineUnavailableError } from "./src/transport/connect.ts";
export type { EngineSelection } from "./src/transport/discover.ts";
export type { EngineAddress, SocketAddress, TlsOptions } from "./src/transport/address.ts";
export { DockerContextError } from "./src/transport/docker_context.ts";
export { SecretUnavailableError } from "./src/solve/secret_resolution.ts";
export { SshUnavailableError } from "./src/solve/ssh_resolution.ts";
export type { RegistryLogin } from "./src/session/registry_credentials.ts";
export type { StatusResponse } from "./src/progress/status.ts";
