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
import { State, stateData } from "./state.ts";

/**
 * `defaultState` under a name the build can replace: the CLI's
 * `--build-context NAME=DIR|docker-image://REF|target:TARGET`, or `build()`'s
 * `contexts: { NAME: ... }`. Without an override the build is exactly the one
 * `defaultState` gives (same digests). An override replaces the files only: the
 * settings later steps start from (env, working directory, user, platform, the
 * image config they inherit) stay `defaultState`'s.
 *
 * @example
 * ```ts
 * import { build, context, image, local } from "@drydock/core";
 * const src = context("src", local("./app"));
 * const app = image("busybox").copy(src, ".", "/app");
 * await build({ app }); // try: deno run -A build.ts --build-context src=../other-checkout
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
  const node: ContextNode = { kind: "context", location, contextName: n, input: data.output };
  return new State({ ...data, output: { op: node, index: 0 } });
}
