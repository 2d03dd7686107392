/**
 * What {@link marshal} takes and gives: its options (what the solve learned before lowering) and its result
 * (the definition, its ops and what the engine may ask for).
 *
 * @module
 */
import type { FrontendNode, OpNode } from "../dsl/graph.ts";
import type { SourceLocation } from "../core/location.ts";
import type * as pb from "../proto/pb.gen.ts";
import type { Digest } from "./digest.ts";
import type { EngineCaps } from "./engine_caps.ts";
import type { BaseConfigs } from "./base_config.ts";
import type { ContextOverrides } from "./graph_walk.ts";
import type { CacheSeeds } from "./cache_seeds.ts";
import type { Entitlement, SecretUse, SshUse } from "./uses.ts";

export type { Entitlement, SecretUse, SshUse } from "./uses.ts";

/** Options of {@link marshal}. */
export interface MarshalOptions {
  /**
   * Makes local sources unique to this client (attr `local.unique`), so the
   * engine never merges one client's directory transfer with another's.
   * Stable per client and project, so repeated builds keep the same digests.
   */
  localUniqueKey?: string;
  /**
   * Marks every exec and file op `ignore_cache`, so the engine runs them again
   * (`--no-cache`). Image sources are left alone (re-resolving them would need
   * the registry).
   */
  ignoreCache?: boolean;
  /**
   * Base image configs resolved by the engine: `run` steps on those images
   * start from their env, working directory and user.
   */
  baseConfigs?: BaseConfigs;
  /**
   * Extra exclude patterns (from `.dockerignore`) by local directory, for
   * `local()` sources that apply it. Reading the files is the caller's I/O.
   */
  localExcludes?: ReadonlyMap<string, readonly string[]>;
  /**
   * What the engine can do. When given, features it lacks use their portable
   * fallback where one exists (see `MarshalResult.notices`).
   */
  caps?: EngineCaps;
  /**
   * The definitions frontends (e.g. `dockerfile()`) produced, spliced in where the node is used;
   * `null` for a result that is the empty filesystem (`FROM scratch` and only metadata).
   */
  frontendResults?: ReadonlyMap<FrontendNode, pb.Definition | null>;
  /**
   * Lower unresolved frontends as placeholders, to learn local directories, secrets and
   * entitlements before the engine has run them. The definition is then not sendable.
   */
  previewFrontends?: boolean;
  /**
   * What named contexts (`context()`) are replaced with, by name; a context not listed is its default
   * state. Frontends' (`dockerfile()`) named contexts are replaced where the solve runs them.
   */
  contexts?: ContextOverrides;
  /** Seeds of persisted cache mounts by cache id, fetched by the solve. @default each starts empty */
  cacheSeeds?: CacheSeeds;
}

/** An op as sent: its bytes, digest and the DSL node it came from. */
export interface MarshalledOp {
  readonly digest: Digest;
  readonly bytes: Uint8Array;
  readonly op: pb.Op;
  readonly node: OpNode | undefined;
}

/** The result of {@link marshal}. */
export interface MarshalResult {
  /** The definition to send; `undefined` when the state is the empty filesystem. */
  readonly definition: pb.Definition | undefined;
  /** Every op in `definition.def` order, the terminal op last. */
  readonly ops: readonly MarshalledOp[];
  /** Where each op was made in build.ts, by digest (the first call, when several made it). */
  readonly locations: ReadonlyMap<Digest, SourceLocation>;
  /** Local directories the engine may ask for, by `local://` name. */
  readonly localDirs: ReadonlyMap<string, string>;
  /** Secrets the engine may ask for, by id. */
  readonly secrets: ReadonlyMap<string, SecretUse>;
  /** SSH agents the engine may ask for, by id. */
  readonly sshAgents: ReadonlyMap<string, SshUse>;
  /** Entitlements the solve must request (`SolveRequest.entitlements`). */
  readonly entitlements: readonly Entitlement[];
  /** Fallbacks used because the engine lacks a feature, one line each, to tell the user once. */
  readonly notices: readonly string[];
}
