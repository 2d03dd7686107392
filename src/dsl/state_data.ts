/**
 * What a `State` is made of (its filesystem, the settings later steps run with, the image config it
 * exports) and how those settings are read and changed. Read by the LLB lowering, not by users.
 *
 * @module
 */
import { posix } from "node:path";
import type { EnvTemplate } from "./env_template.ts";
import type { Output, Platform } from "./graph.ts";
import type {
  Healthcheck,
  InheritedConfig,
  NetworkMode,
  ProxyEnv,
  SecurityMode,
  Ulimit,
} from "./step_settings.ts";

/** Settings that later `run` steps inherit and an exported image records. */
export interface StateSettings {
  /** Environment in definition order; a later set of the same name replaces it and moves it last. */
  readonly env: readonly (readonly [string, string])[];
  /**
   * Values of `env` that use the base image's env (`$PATH`), by name: the
   * lowering fills them in once the engine has resolved that config.
   */
  readonly baseEnv?: Readonly<Record<string, EnvTemplate>>;
  /**
   * Names of `env` in the order they were first set: an image config keeps a
   * variable where it was first set (`env` itself moves it last, as `run` steps see it).
   */
  readonly envFirstSet?: readonly string[];
  /** Names in `env` set by `arg()`: later steps see them, the exported image does not. */
  readonly argNames?: readonly string[];
  /** The shell string commands run with; unset is `/bin/sh -c`. */
  readonly shell?: readonly string[];
  /** Absolute working directory. */
  readonly cwd: string;
  /** User to run as; empty means the image default (root). */
  readonly user: string;
  readonly platform: Platform;
  /** The base image whose config (env, working directory, user) later steps start from. */
  readonly inherit?: InheritedConfig;
  /** Host name inside `run` steps; empty is the engine's default. */
  readonly hostname?: string;
  readonly network?: NetworkMode;
  readonly security?: SecurityMode;
  /** Extra `/etc/hosts` entries of `run` steps. */
  readonly extraHosts?: readonly { readonly host: string; readonly ip: string }[];
  readonly ulimits?: readonly Ulimit[];
  readonly cgroupParent?: string;
  /** Proxy settings for `run` steps, not part of their cache keys. */
  readonly proxyEnv?: ProxyEnv;
}

/** Image config carried by a state for export; unset fields come from the base image. */
export interface ImageSettings {
  readonly entrypoint?: readonly string[];
  /** `null`: cleared (a new entrypoint was set without a command), as in a Dockerfile. */
  readonly cmd?: readonly string[] | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly exposedPorts: readonly string[];
  readonly volumes?: readonly string[];
  readonly stopSignal?: string;
  readonly healthcheck?: Healthcheck;
  readonly onbuild?: readonly string[];
}

/** What a State is made of; read by the LLB lowering, not by users. */
export interface StateData {
  /** The filesystem; `null` is the empty filesystem (scratch). */
  readonly output: Output | null;
  readonly settings: StateSettings;
  readonly image: ImageSettings;
}

/** What `$name` means in an `env()` value of a state with these settings. */
export function envLookup(settings: StateSettings, name: string): string | undefined | "base" | EnvTemplate {
  const template = settings.baseEnv?.[name];
  if (template) return template;
  const set = settings.env.find(([k]) => k === name);
  if (set) return set[1];
  if (!settings.inherit) return undefined;
  const config = settings.inherit.config;
  return config ? baseEnvValue(config.Env, name) : "base";
}

/** The value of `name` in a base image's `Env` list (`NAME=value` entries); undefined when unset. */
export function baseEnvValue(env: readonly string[] | undefined, name: string): string | undefined {
  const kv = env?.find((e) => e.startsWith(`${name}=`));
  return kv === undefined ? undefined : kv.slice(name.length + 1);
}

/** `env` with `name` set to `value`, moved last. */
export function setEnv(
  env: readonly (readonly [string, string])[],
  name: string,
  value: string,
): readonly (readonly [string, string])[] {
  return [...env.filter(([k]) => k !== name), [name, value]];
}

/** A relative path in a state whose working directory builds on its base image's. */
export function isRelativeToBase(settings: StateSettings, p: string): boolean {
  return settings.inherit?.cwd === true && !p.startsWith("/");
}

/** The base image config a relative path builds on, as the lowering needs it. */
export function pathBase(settings: StateSettings, p: string): { pathBase?: InheritedConfig } {
  return isRelativeToBase(settings, p) ? { pathBase: settings.inherit } : {};
}

/**
 * `dir` joined with `p`, without the trailing slash `posix.join` keeps (`/w` + `/` is `/w`, as the
 * Dockerfile frontend's): where a path relative to a base image's working directory lands.
 *
 * @example
 * ```ts
 * import { joinDir } from "./state_data.ts";
 * joinDir("/app", "/src"); // "/app/src"
 * ```
 */
export function joinDir(dir: string, p: string): string {
  const joined = posix.join("/", dir, p);
  return joined.length > 1 ? joined.replace(/\/+$/, "") : joined;
}

/** Joins `p` to `cwd` unless absolute; keeps a trailing slash when asked (copy targets). */
export function resolvePath(cwd: string, p: string, keepTrailingSlash = false): string {
  const joined = posix.resolve("/", cwd, p);
  return keepTrailingSlash && p.endsWith("/") && joined !== "/" ? joined + "/" : joined;
}
