/**
 * What one solve is asked to build and where it goes: the types `solve` and
 * the gateway result both read, kept apart so neither imports the other.
 *
 * @module
 */
import type { Platform } from "../dsl/graph.ts";
import type { State } from "../dsl/state.ts";
import type { CacheSeeds } from "../llb/cache_seeds.ts";
import type { ContextOverrides } from "../llb/graph_walk.ts";
import type * as pb from "../proto/pb.gen.ts";
import type { CacheOptions, Exporter, StatusResponse } from "../proto/moby_buildkit_v1.gen.ts";
import type { LocalContentStore } from "../session/content_store.ts";
import type { FileSendTarget } from "../session/filesend_service.ts";
import type { SendTreeStats } from "../session/filesync.ts";
import type { DynamicState } from "./build_context.ts";
import type { ShellOptions } from "./debug_shell.ts";
import type { SessionServiceOptions } from "./session_services.ts";

/** One platform's state in a (possibly multi-platform) build. */
export interface PlatformState {
  readonly platform: Platform;
  readonly state: State;
}

/** What the engine is asked to do with the result, besides building it. */
export interface SolveExports {
  /** Exporters, in the order the engine numbers them. */
  readonly exporters: readonly Exporter[];
  /** Where each exporter that streams files to us writes, with its index in `exporters`. */
  readonly fileTargets: readonly { readonly target: FileSendTarget; readonly exporterIndex: number }[];
  readonly cache?: CacheOptions;
  readonly frontendAttrs?: Readonly<Record<string, string>>;
  /** Content stores of `local` cache directories, by store id. */
  readonly contentStores?: ReadonlyMap<string, LocalContentStore>;
}

/** What to build and where it goes. */
export interface SolveSpec {
  readonly state: State;
  /** Several platforms: one result per platform, exported as one image index. */
  readonly platformStates?: readonly PlatformState[];
  readonly exports: SolveExports;
  /** Stable per project and machine: lets the engine reuse earlier uploads. */
  readonly sharedKey: string;
  /** Run every step again instead of using cached results. */
  readonly noCache?: boolean;
  /** Seeds of persisted cache mounts by cache id (`cache(id, { persist })`). @default each starts empty */
  readonly cacheSeeds?: CacheSeeds;
  /** Called with the build's ref (`SolveRequest.Ref`) just before it is sent. */
  readonly onStart?: (ref: string) => void;
  /** Called with every status update of the build. */
  readonly onStatus?: (status: StatusResponse) => void;
  /** Called once per fallback used because the engine lacks a feature. @default prints to stderr */
  readonly onNotice?: (message: string) => void;
  /** Called with the definition sent for each platform, once the engine's caps and frontends are applied. */
  readonly onDefinition?: (definition: pb.Definition) => void;
  /** Called after each upload of a local directory, with what the engine requested. */
  readonly onLocalSent?: (name: string, stats: SendTreeStats) => void;
  readonly signal?: AbortSignal;
  /**
   * Secret and ssh overrides, registry logins, environment for the session's services.
   * @default none: no `{ env }` secrets, ssh agent or registry logins, and `-` outputs fail
   */
  readonly services?: SessionServiceOptions;
  /** The working directory: build.ts paths in warnings are shown relative to it. @default absolute paths */
  readonly cwd?: string;
  /** The target's name: the stage of steps whose build.ts line assigns no variable. @default "build" */
  readonly name?: string;
  /** A dynamic target's function, run inside the build once per platform; `state` is then unused. */
  readonly dynamic?: DynamicState;
  /** Shells to open: on a failed `run` step (the build waits for it), or in the target's final state. */
  readonly shell?: ShellOptions;
  /** What named contexts (`context()`, `dockerfile()`'s `contexts`) are replaced with, by name. */
  readonly contexts?: ContextOverrides;
}
