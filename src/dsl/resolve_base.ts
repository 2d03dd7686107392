/**
 * Resolving a state's base image config on request, as Go llb's `WithMetaResolver` does: the DSL does no I/O,
 * so the caller passes the resolver (`ctx.resolveImageConfig` in a dynamic target, or any function answering
 * an image's OCI config). Once recorded, `getEnv()`, `$VAR` expansion in `env()` and the lowering of later
 * steps use it; without it the solve resolves the config when it builds, with the same result.
 *
 * @module
 */
import type { SourceLocation } from "../core/location.ts";
import { fail } from "../core/validate.ts";
import { resolveTemplate } from "./env_template.ts";
import type { Platform } from "./graph.ts";
import { baseEnvValue, type StateData } from "./state_data.ts";
import type { BaseRunConfig } from "./step_settings.ts";

/**
 * Answers the config of an image at a platform: `config` is the OCI image
 * config (its `config.Env`, `config.WorkingDir`, `config.User` are read).
 * A dynamic target's `ctx.resolveImageConfig` is one.
 */
export type ImageConfigResolver = (
  ref: string,
  options: { platform: Platform },
) => Promise<{ readonly config: Readonly<Record<string, unknown>> }>;

/**
 * The run config inside an OCI image config, checked: a resolver's answer comes from outside build.ts.
 *
 * @example
 * ```ts
 * import { baseRunConfigOf } from "./resolve_base.ts";
 * baseRunConfigOf({ config: { Env: ["PATH=/bin"], Cmd: ["sh"] } }, undefined); // { Env: ["PATH=/bin"] }
 * ```
 */
export function baseRunConfigOf(image: unknown, location: SourceLocation | undefined): BaseRunConfig {
  const bad = (what: string): never =>
    fail("resolved", "resolver", `answered an image config whose ${what}`, location);
  if (typeof image !== "object" || image === null) return bad("value is not an object");
  const config = (image as { config?: unknown }).config;
  if (config === undefined || config === null) return {};
  if (typeof config !== "object") return bad("config is not an object");
  const { Env, WorkingDir, User } = config as Record<string, unknown>;
  if (Env != null && (!Array.isArray(Env) || Env.some((e) => typeof e !== "string"))) {
    bad("config.Env is not a list of strings");
  }
  if (WorkingDir != null && typeof WorkingDir !== "string") bad("config.WorkingDir is not a string");
  if (User != null && typeof User !== "string") bad("config.User is not a string");
  return {
    ...(Env ? { Env: [...Env as string[]] } : {}),
    ...(WorkingDir ? { WorkingDir: WorkingDir as string } : {}),
    ...(User ? { User: User as string } : {}),
  };
}

/**
 * `data` with its base image's run config recorded: env values that waited
 * for the base image's env are filled in, later steps carry the config.
 * A state without a base image (or on a frontend's result) is unchanged.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { stateData } from "./state.ts";
 * import { withBaseConfig } from "./resolve_base.ts";
 * const data = withBaseConfig(stateData(image("busybox").env("P", "/app:$PATH")), { Env: ["PATH=/bin"] });
 * data.settings.env; // [["P", "/app:/bin"]]
 * ```
 */
export function withBaseConfig(data: StateData, config: BaseRunConfig): StateData {
  const { settings } = data;
  if (!settings.inherit || settings.inherit.frontend) return data;
  const templates = settings.baseEnv ?? {};
  const env = settings.env.map(([k, v]) => {
    const t = templates[k];
    return [k, t ? resolveTemplate(t, (name) => baseEnvValue(config.Env, name)) : v] as const;
  });
  const { baseEnv: _resolved, ...rest } = settings;
  return { ...data, settings: { ...rest, env, inherit: { ...settings.inherit, config } } };
}
