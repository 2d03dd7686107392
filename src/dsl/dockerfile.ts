/**
 * `dockerfile()`: a state built by BuildKit's Dockerfile frontend, so existing
 * Dockerfiles compose with code.
 *
 * @module
 */
import { z } from "zod";
import type { FrontendNode } from "./graph.ts";
import { callerLocation } from "../core/location.ts";
import { type DockerfileOptions, sourceSchemas } from "./source_options.ts";
import { parsePlatform } from "../core/platform.ts";
import { stateOf } from "./sources.ts";
import { State, stateData } from "./state.ts";
import { validate } from "../core/validate.ts";

/**
 * The filesystem a Dockerfile builds from `context` (usually a `local()`
 * directory holding the Dockerfile). The engine's `dockerfile.v0` frontend
 * turns it into LLB during the build, and its steps join this build's graph, so
 * they share cache with `docker build` of the same Dockerfile. The result has
 * root settings; the Dockerfile's image config (CMD, ENV...) is not carried over.
 *
 * @example
 * ```ts
 * import { dockerfile, image, local } from "../../mod.ts";
 * const legacy = dockerfile(local("./legacy"), { target: "build", args: { VERSION: "1.2" } });
 * const app = image("busybox").copy(legacy, "/out/app", "/usr/local/bin/app");
 * ```
 */
export function dockerfile(context: State, options: DockerfileOptions = {}): State {
  const location = callerLocation();
  const ctx = validate(
    "dockerfile",
    "context",
    z.instanceof(State, { error: "must be a State (usually local(...))" }),
    context,
    location,
  );
  const opts = validate("dockerfile", "", sourceSchemas.dockerfile, options, location);
  const attrs: Record<string, string> = { filename: opts.filename ?? "Dockerfile" };
  if (opts.target) attrs.target = opts.target;
  if (opts.platform) attrs.platform = opts.platform;
  for (const [k, v] of Object.entries(opts.args ?? {})) attrs[`build-arg:${k}`] = v;
  const output = stateData(ctx).output;
  const node: FrontendNode = {
    kind: "frontend",
    location,
    name: `dockerfile ${attrs.filename}${opts.target ? ` --target ${opts.target}` : ""}`,
    frontend: "dockerfile.v0",
    attrs,
    // The frontend reads the Dockerfile from "dockerfile" and builds from "context".
    inputs: { context: output, dockerfile: output },
  };
  return stateOf(node, opts.platform ? parsePlatform(opts.platform) : stateData(ctx).settings.platform);
}
