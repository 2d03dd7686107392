/**
 * The settings and image config of a {@link State}: env and build args, working directory, user and the image
 * config a `config()` call merges, as functions from the old values to the new. Options arrive validated.
 *
 * @module
 */
import type { SourceLocation } from "../core/location.ts";
import { schemas } from "./option_schemas.ts";
import { z } from "zod";
import { type EnvTemplate, expandEnv, templateText } from "./env_template.ts";
import { fail, validate } from "../core/validate.ts";
import { healthcheckOf } from "./healthcheck.ts";
import { envLookup, resolvePath, setEnv, type StateData, type StateSettings } from "./state_data.ts";

/**
 * The settings change of `env(name, value)` or `env(vars)`: each value expanded against the env before the call.
 *
 * @example
 * ```ts
 * import { scratch } from "@drydock/core";
 * import { stateData } from "./state_base.ts";
 * import { envPatch } from "./state_settings.ts";
 * envPatch(stateData(scratch()).settings, { A: "1" }, undefined, undefined).env; // [["A", "1"]]
 * ```
 */
export function envPatch(
  settings: StateSettings,
  nameOrVars: string | Record<string, string>,
  value: string | undefined,
  location: SourceLocation | undefined,
): Partial<StateSettings> {
  if (typeof nameOrVars !== "string") {
    const vars = validate("env", "vars", z.record(schemas.envName, schemas.envValue), nameOrVars, location);
    return settingsWithVars(settings, "env", "vars.", Object.entries(vars), false, location);
  }
  const name = validate("env", "name", schemas.envName, nameOrVars, location);
  const v = validate("env", "value", schemas.envValue, value, location);
  return settingsWithVars(settings, "env", "value", [[name, v]], false, location);
}

/**
 * The settings change of `arg(name, value)`: a build variable later steps see and the image does not record.
 *
 * @example
 * ```ts
 * import { scratch } from "@drydock/core";
 * import { stateData } from "./state_base.ts";
 * import { argPatch } from "./state_settings.ts";
 * argPatch(stateData(scratch()).settings, "V", "1", undefined).argNames; // ["V"]
 * ```
 */
export function argPatch(
  settings: StateSettings,
  name: string,
  value: string,
  location: SourceLocation | undefined,
): Partial<StateSettings> {
  const n = validate("arg", "name", schemas.envName, name, location);
  const v = validate("arg", "value", schemas.envValue, value, location);
  return settingsWithVars(settings, "arg", "value", [[n, v]], true, location);
}

/** The settings after setting `vars` (env, or build args when `buildOnly`), each expanded against `before`. */
function settingsWithVars(
  before: StateSettings,
  call: string,
  option: string,
  vars: readonly [string, string][],
  buildOnly: boolean,
  location: SourceLocation | undefined,
): Partial<StateSettings> {
  let env = before.env;
  const baseEnv: Record<string, EnvTemplate> = { ...before.baseEnv };
  const argNames = new Set(before.argNames);
  const firstSet = new Set(before.envFirstSet ?? before.env.map(([k]) => k));
  for (const [k, v] of vars) {
    firstSet.add(k);
    let t: EnvTemplate;
    try {
      t = expandEnv(v, (name) => envLookup(before, name));
    } catch (e) {
      return fail(call, option.endsWith(".") ? option + k : option, (e as Error).message, location);
    }
    const literal = t.length === 1 && typeof t[0] === "string";
    env = setEnv(env, k, literal ? t[0] as string : templateText(t));
    if (literal) delete baseEnv[k];
    else baseEnv[k] = t;
    if (buildOnly) argNames.add(k);
    else argNames.delete(k);
  }
  return {
    env,
    baseEnv: Object.keys(baseEnv).length > 0 ? baseEnv : undefined,
    argNames: argNames.size > 0 ? [...argNames] : undefined,
    envFirstSet: [...firstSet],
  };
}

/** The settings change of a working directory `p` (relative to the current one). */
export function workdirPatch(settings: StateSettings, p: string): Partial<StateSettings> {
  const inherit = settings.inherit;
  // A relative path keeps building on the base image's working directory.
  const patch = inherit && p.startsWith("/") ? { inherit: { ...inherit, cwd: false } } : {};
  return { cwd: resolvePath(settings.cwd, p), ...patch };
}

/** The settings change of a user. */
export function userPatch(settings: StateSettings, user: string): Partial<StateSettings> {
  const inherit = settings.inherit;
  return { user, ...(inherit ? { inherit: { ...inherit, user: false } } : {}) };
}

/** The image config after merging a `config()` call's fields, the way Dockerfile instructions do. */
export function configuredImage(
  image: StateData["image"],
  c: z.output<typeof schemas.config>,
): StateData["image"] {
  return {
    ...image,
    entrypoint: c.entrypoint ?? image.entrypoint,
    // As a Dockerfile: a new entrypoint clears the command unless this build set one.
    cmd: c.cmd ?? (c.entrypoint && image.cmd === undefined ? null : image.cmd),
    labels: { ...image.labels, ...c.labels },
    exposedPorts: [
      ...new Set([
        ...image.exposedPorts,
        ...(c.expose ?? []).map((p) => typeof p === "number" || !p.includes("/") ? `${p}/tcp` : p),
      ]),
    ],
    ...(c.volumes ? { volumes: [...new Set([...(image.volumes ?? []), ...c.volumes])] } : {}),
    ...(c.stopSignal ? { stopSignal: c.stopSignal } : {}),
    ...(c.healthcheck ? { healthcheck: healthcheckOf(c.healthcheck) } : {}),
    ...(c.onbuild ? { onbuild: [...(image.onbuild ?? []), ...c.onbuild] } : {}),
  };
}
