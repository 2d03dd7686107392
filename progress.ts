/**
 * Build progress for programs that call `buildTargets()` themselves: fold the
 * engine's status stream (`onStatus`) into a model and print it as the CLI
 * does (`tty`, `plain`, `rawjson`, `quiet`).
 *
 * @example
 * ```ts
 * import { buildTargets, image } from "@drydock/core";
 * import { createRenderer } from "@drydock/core/progress";
 * const renderer = createRenderer("plain", { write: (text) => void Deno.stderr.writeSync(new TextEncoder().encode(text)) });
 * // await buildTargets({ app: image("busybox") }, { onStatus: (_target, status) => renderer.update(status) });
 * ```
 *
 * @module
 */
export * from "./src/progress/mod.ts";
export { formatError } from "./src/cli/report.ts";
export type { FormatErrorOptions } from "./src/cli/report.ts";
