/**
 * The settings and image config of a {@link State}: env and build args, working directory, user and the image
 * config a `config()` call merges, as functions from the old values to the new. Options arrive validated.
 *
 * @module
 */
import type { SourceLocation } from "../core/location.ts";
import type { schemas } from "./option_schemas.ts";
import type { z } from "zod";
import { type EnvTemplate, expandEnv, templateText } from "./env_template.ts";
import { fail } from "../core/validate.ts";
import { healthcheckOf } from "./healthcheck.ts";
import { envLookup, resolvePath, setEnv, type StateData, type StateSettings } from "./state_data.ts";

/** The settings after setting `vars` (env, or build args when `buildOnly`), each expanded against `before`. */
export function settingsWithVars(
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
