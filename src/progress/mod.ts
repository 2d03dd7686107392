/**
 * Build progress: the status stream folded into a model, and renderers that print it.
 *
 * @module
 */

export * from "./status.ts";
export * from "./intervals.ts";
export * from "./model.ts";
export * from "./plain.ts";
