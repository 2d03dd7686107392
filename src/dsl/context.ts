/**
 * `context()`: a named build context, a state the build can replace by name without
 * editing build.ts, as buildx's `--build-context` replaces a Dockerfile's named contexts.
 *
 * @module
 */
import { z } from "zod";
import { callerLocation } from "../core/location.ts";
import { CONTEXT_NAME, CONTEXT_NAME_RULE } from "../core/context_spec.ts";
import { validate } from "../core/validate.ts";
import type { ContextNode } from "./graph.ts";
import type { InheritedConfig } from "./step_settings.ts";
import { State, stateData } from "./state.ts";

// Makes each context()'s config key unique; never sent to the engine.
let contextCount = 0;

/**
 * `defaultState` under a name the build can replace: the CLI's
 * `--build-context NAME=DIR|docker-image://REF|target:TARGET`, or `build()`'s
 * `contexts: { NAME: ... }`. Without an override the build is exactly the one
 * `defaultState` gives (same digests). When `defaultState` starts from an image
 * (or a `dockerfile()`), later steps start from the config of what the context
 * turns out to be: an override image's env, working directory and user, as
 * `FROM name` does; a target's base config; none for a directory. Settings made
 * in code (`env()`, `workdir()` ...) on `defaultState` stay, on an override do not.
 *
 * @example
 * ```ts no-eval
 * import { build, context, image, local } from "@drydock/core";
 * const src = context("src", local("./app"));
 * const app = image("busybox").copy(src, ".", "/app");
 * await build({ app }); // deno run -A build.ts --build-context src=../other-checkout (or docker-image://…, target:…)
 * ```
 */
export function context(name: string, defaultState: State): State {
  const location = callerLocation();
  const n = validate(
    "context",
    "name",
    z.string({ error: "must be a string" }).regex(CONTEXT_NAME, CONTEXT_NAME_RULE),
    name,
    location,
  );
  const state = validate(
    "context",
    "defaultState",
    z.instanceof(State, { error: "must be a State (from image(), local(), scratch() ...)" }),
    defaultState,
    location,
  );
  const data = stateData(state);
  const inherit = data.settings.inherit;
  // Later steps start from the config of whatever the context turns out to be: the solve resolves this key.
  const alias: InheritedConfig | undefined = inherit && {
    image: `context(${n})#${++contextCount}`,
    platform: inherit.platform,
    cwd: inherit.cwd,
    user: inherit.user,
    context: true,
  };
  const node: ContextNode = {
    kind: "context",
    location,
    contextName: n,
    input: data.output,
    ...(inherit && alias ? { config: { alias, default: inherit } } : {}),
  };
  const settings = alias ? { ...data.settings, inherit: alias } : data.settings;
  return new State({ ...data, settings, output: { op: node, index: 0 } });
}
