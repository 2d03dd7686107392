/**
 * Build progress: the status stream folded into a model, and renderers that print it.
 *
 * @module
 */

export * from "./status.ts";
export * from "./intervals.ts";
export * from "./model.ts";
export * from "./model_types.ts";
export * from "./item_state.ts";
export * from "./plain.ts";
export * from "./rawjson.ts";
export * from "./quiet.ts";
export * from "./tty.ts";
export * from "./summary.ts";
export * from "./renderer.ts";
export * from "./text.ts";
export type { WarningSource } from "./warning_source.ts";
