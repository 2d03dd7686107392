/**
 * Build progress for programs that call `buildTargets()` themselves: fold the
 * engine's status stream (`onStatus`) into a model and print it as the CLI
 * does (`tty`, `plain`, `rawjson`, `quiet`).
 *
 * @example Progress of a build, printed as `--progress=plain` does
 * ```ts no-eval
 * import process from "node:process";
 * import { buildTargets, image } from "@drydock/core";
 * import { createRenderer } from "@drydock/core/progress";
 * const renderer = createRenderer("plain", process.stderr);
 * try {
 *   await buildTargets({ app: image("busybox").run("echo hi") }, { onStatus: (_target, status) => renderer.update(status) });
 * } finally {
 *   renderer.done();
 * }
 * ```
 *
 * @module
 */
export * from "./src/progress/mod.ts";
export { formatError } from "./src/cli/report.ts";
export type { FormatErrorOptions } from "./src/cli/report.ts";
