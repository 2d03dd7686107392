/**
 * The one place the process's configuration is read: environment, working directory, arguments, streams.
 *
 * @module
 */
import process from "node:process";
import type { BuildEnvironment } from "../core/environment.ts";

/**
 * The running process as a {@link BuildEnvironment}; `overrides` replace what the caller gave explicitly
 * (`build()`'s `env` and `argv` options).
 *
 * @example
 * ```ts
 * import { processEnvironment } from "./environment.ts";
 * const environment = processEnvironment({ env: { BUILDKIT_HOST: "tcp://127.0.0.1:1234" } });
 * environment.cwd; // the process's working directory
 * ```
 */
export function processEnvironment(overrides: Partial<BuildEnvironment> = {}): BuildEnvironment {
  return {
    env: overrides.env ?? process.env,
    cwd: overrides.cwd ?? process.cwd(),
    argv: overrides.argv ?? process.argv.slice(2),
    stdout: overrides.stdout ?? process.stdout,
    stderr: overrides.stderr ?? process.stderr,
  };
}
