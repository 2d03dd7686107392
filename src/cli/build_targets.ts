/**
 * `buildTargets()`: the library call behind `build()`, for programs that build targets themselves.
 *
 * @module
 */
import { type BuildTargetsOptions, solveTargets, type TargetResult } from "../solve/build.ts";
import type { Targets } from "../solve/targets.ts";
import { processEnvironment } from "./environment.ts";

/**
 * Builds targets on one engine, all at once, and returns what each produced. Prints nothing; failures throw
 * `DrydockError`s. The process's environment (or `options.env`) and working directory are read here, once.
 *
 * @example
 * ```ts no-eval
 * import { buildTargets, image } from "@drydock/core";
 * const results = await buildTargets({ hello: { state: image("busybox").run("echo hi"), image: "hello:dev" } });
 * console.log(results.hello.exporterResponse["containerimage.digest"]);
 * ```
 */
export function buildTargets(
  targets: Targets,
  options: BuildTargetsOptions = {},
): Promise<Record<string, TargetResult>> {
  return solveTargets(targets, options, { environment: processEnvironment({ env: options.env }) });
}
