/**
 * The plain settings a build step carries in the graph: network and security modes, ulimits, proxies, the
 * base image's inherited config and a healthcheck. Leaves of the graph's types; they refer to no node.
 *
 * @module
 */
import type { Platform } from "../core/platform.ts";

/** Network mode of a `run` step. */
export type NetworkMode = "sandbox" | "host" | "none";

/** Security mode of a `run` step; `insecure` is privileged. */
export type SecurityMode = "sandbox" | "insecure";

/** A resource limit (`ulimit`) of a `run` step. */
export interface Ulimit {
  readonly name: string;
  readonly soft: number;
  readonly hard: number;
}

/**
 * Proxy settings passed to a step without being part of its cache key. (No
 * `all_proxy`: BuildKit 0.8 would drop it silently and no cap tells them apart.)
 */
export interface ProxyEnv {
  /** Becomes `HTTP_PROXY`/`http_proxy` in the step. */
  readonly httpProxy?: string;
  /** Becomes `HTTPS_PROXY`/`https_proxy` in the step. */
  readonly httpsProxy?: string;
  /** Becomes `FTP_PROXY`/`ftp_proxy` in the step. */
  readonly ftpProxy?: string;
  /** Becomes `NO_PROXY`/`no_proxy` in the step: hosts reached directly. */
  readonly noProxy?: string;
}

/**
 * Settings a step takes from its base image's config once the engine has
 * resolved it; `cwd`/`user` say whether those still come from the base.
 */
export interface InheritedConfig {
  /** Normalized image reference, e.g. `docker.io/library/busybox:latest`. */
  readonly image: string;
  readonly platform: Platform;
  /** The step's cwd is relative to the base image's working directory. */
  readonly cwd: boolean;
  /** The step runs as the base image's user. */
  readonly user: boolean;
  /** The base is a frontend's result (`dockerfile()`): its config comes with it, not from a registry. */
  readonly frontend?: boolean;
  /** The base image's config, once {@link State.resolved} has asked a resolver for it. */
  readonly config?: BaseRunConfig;
  /**
   * The base is a named context (`context()`): its config is that of the state the build uses for it,
   * its default or its override, which the solve looks up under this key too.
   */
  readonly context?: boolean;
}

/** The part of a base image's config that later steps inherit (Docker's field names). */
export interface BaseRunConfig {
  readonly Env?: readonly string[];
  readonly WorkingDir?: string;
  readonly User?: string;
}

/** A container healthcheck, as Docker stores it (durations in nanoseconds). */
export interface Healthcheck {
  /** `["NONE"]`, `["CMD", ...argv]` or `["CMD-SHELL", command]`. */
  readonly test: readonly string[];
  readonly intervalNs?: number;
  readonly timeoutNs?: number;
  readonly startPeriodNs?: number;
  readonly startIntervalNs?: number;
  readonly retries?: number;
}
