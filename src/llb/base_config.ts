/**
 * How a `run` step's env, working directory and user combine with its base
 * image's config, as the Dockerfile frontend does: base env first (a step's
 * own variables replace same-named ones in place), the base working directory
 * under relative `workdir`s, the base user unless one was set.
 *
 * @module
 */
import { formatPlatform } from "../core/platform.ts";
import type { ExecNode, Platform } from "../dsl/graph.ts";
import type { BaseRunConfig, InheritedConfig } from "../dsl/step_settings.ts";
import { type EnvTemplate, resolveTemplate } from "../dsl/env_template.ts";
import { baseEnvValue, joinDir } from "../dsl/state_data.ts";

export type { BaseRunConfig };

/** Resolved base configs, by {@link baseConfigKey}. */
export type BaseConfigs = ReadonlyMap<string, BaseRunConfig>;

/**
 * The key of a base image at a platform in {@link BaseConfigs}.
 *
 * @example
 * ```ts
 * import { baseConfigKey } from "./base_config.ts";
 * baseConfigKey("docker.io/library/busybox:latest", { os: "linux", architecture: "amd64" });
 * // "docker.io/library/busybox:latest linux/amd64"
 * ```
 */
export function baseConfigKey(image: string, platform: Platform): string {
  return `${image} ${formatPlatform(platform)}`;
}

/**
 * The config of a step's base image: the one the solve resolved, else the one
 * {@link State.resolved} recorded in the state, else unknown.
 *
 * @example
 * ```ts
 * import { baseConfigOf } from "./base_config.ts";
 * const base = { image: "x", platform: { os: "linux", architecture: "amd64" }, cwd: true, user: true };
 * baseConfigOf({ ...base, config: { WorkingDir: "/w" } }, undefined); // { WorkingDir: "/w" }
 * ```
 */
export function baseConfigOf(
  base: InheritedConfig | undefined,
  configs: BaseConfigs | undefined,
): BaseRunConfig | undefined {
  if (!base) return undefined;
  return configs?.get(baseConfigKey(base.image, base.platform)) ?? base.config;
}

/**
 * `env` merged onto `base`: same names replaced in place, new ones appended.
 *
 * @example
 * ```ts
 * import { mergeEnv } from "./base_config.ts";
 * mergeEnv(["PATH=/bin", "A=1"], ["A=2", "B=3"]); // ["PATH=/bin", "A=2", "B=3"]
 * ```
 */
export function mergeEnv(base: readonly string[], env: readonly string[]): string[] {
  const out = [...base];
  for (const kv of env) {
    const name = kv.slice(0, kv.indexOf("=") === -1 ? kv.length : kv.indexOf("="));
    const at = out.findIndex((e) => e === name || e.startsWith(`${name}=`));
    if (at === -1) out.push(kv);
    else out[at] = kv;
  }
  return out;
}

/**
 * The working directory and user a state or step ends up with.
 *
 * @example
 * ```ts
 * import { inheritedCwd } from "./base_config.ts";
 * inheritedCwd("/src", { image: "x", platform: { os: "linux", architecture: "amd64" }, cwd: true, user: true }, { WorkingDir: "/app" }); // "/app/src"
 * ```
 */
export function inheritedCwd(
  cwd: string,
  inherit: InheritedConfig | undefined,
  base: BaseRunConfig | undefined,
): string {
  return inherit?.cwd && base?.WorkingDir ? joinDir(base.WorkingDir, cwd) : cwd;
}

/**
 * Env entries (`NAME=value`) with the values that use the base image's env
 * filled in from `baseEnv`; without it they keep the text as written.
 *
 * @example
 * ```ts
 * import { resolveBaseEnv } from "./base_config.ts";
 * resolveBaseEnv(["P=/app:${PATH}"], { P: ["/app:", { name: "PATH" }] }, ["PATH=/bin"]); // ["P=/app:/bin"]
 * ```
 */
export function resolveBaseEnv(
  env: readonly string[],
  templates: Readonly<Record<string, EnvTemplate>> | undefined,
  baseEnv: readonly string[] | undefined,
): string[] {
  if (!templates || !baseEnv) return [...env];
  const lookup = (name: string) => baseEnvValue(baseEnv, name);
  return env.map((kv) => {
    const name = kv.slice(0, kv.indexOf("="));
    const t = templates[name];
    return t ? `${name}=${resolveTemplate(t, lookup)}` : kv;
  });
}

/**
 * A file action's path once its base image's working directory is known:
 * paths written relative to it (`pathBase`/`srcBase` set) move under it.
 *
 * @example
 * ```ts
 * import { basedPath } from "./base_config.ts";
 * const base = { image: "x", platform: { os: "linux", architecture: "amd64" }, cwd: true, user: true };
 * basedPath("/src", base, new Map([["x linux/amd64", { WorkingDir: "/app" }]])); // "/app/src"
 * ```
 */
export function basedPath(
  path: string,
  base: InheritedConfig | undefined,
  configs: BaseConfigs | undefined,
  keepSlash = false,
): string {
  const wd = baseConfigOf(base, configs)?.WorkingDir;
  if (!wd) return path;
  const joined = joinDir(wd, path);
  // A copy destination ending in "/" means "into this directory"; keep it.
  return keepSlash && path.endsWith("/") && joined !== "/" ? joined + "/" : joined;
}

/**
 * The env, cwd and user an exec runs with once its base config is known.
 *
 * @example
 * ```ts
 * import { runSettings } from "./base_config.ts";
 * // runSettings(execNode, new Map([[key, { Env: ["PATH=/bin"], WorkingDir: "/app" }]]));
 * ```
 */
export function runSettings(
  node: ExecNode,
  configs: BaseConfigs | undefined,
): { env: string[]; cwd: string; user: string } {
  const base = baseConfigOf(node.inherit, configs);
  if (!node.inherit || !base) return { env: [...node.env], cwd: node.cwd, user: node.user };
  const env = resolveBaseEnv(node.env, node.baseEnv, base.Env ?? []);
  const own = new Set(env.map((kv) => kv.slice(0, kv.indexOf("="))));
  return {
    // As Go's llb env list: base variables first, each one set again moves to the end.
    env: [...(base.Env ?? []).filter((kv) => !own.has(kv.slice(0, kv.indexOf("=")))), ...env],
    cwd: inheritedCwd(node.cwd, node.inherit, base),
    user: node.inherit.user ? base.User ?? "" : node.user,
  };
}

/**
 * A mount target written relative to a working directory that builds on the
 * base image's, once that is known.
 *
 * @example
 * ```ts
 * import { inheritedMountDest } from "./base_config.ts";
 * // inheritedMountDest(execNode, "/cache", new Map([[key, { WorkingDir: "/app" }]])); // "/app/cache"
 * ```
 */
export function inheritedMountDest(node: ExecNode, dest: string, configs: BaseConfigs | undefined): string {
  const base = baseConfigOf(node.inherit, configs);
  return base?.WorkingDir ? joinDir(base.WorkingDir, dest) : dest;
}
