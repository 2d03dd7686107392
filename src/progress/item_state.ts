/**
 * Questions renderers ask of any step or vertex of the progress model: started, completed, canceled.
 *
 * @module
 */

import type { Interval } from "./intervals.ts";

const CANCELED = "context canceled";

/**
 * Whether a step or vertex has started at least once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isStarted } from "@drydock/core/progress";
 *
 * assert.equal(isStarted({ intervals: [{ start: 1 }] }), true);
 * assert.equal(isStarted({ intervals: [] }), false);
 * ```
 */
export function isStarted(item: { readonly intervals: readonly Interval[] }): boolean {
  return item.intervals.length > 0;
}

/**
 * Whether a step or vertex has finished its latest run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isCompleted } from "@drydock/core/progress";
 *
 * assert.equal(isCompleted({ intervals: [{ start: 1, end: 2 }, { start: 3 }] }), false);
 * assert.equal(isCompleted({ intervals: [{ start: 1, end: 2 }] }), true);
 * ```
 */
export function isCompleted(item: { readonly intervals: readonly Interval[] }): boolean {
  const last = item.intervals[item.intervals.length - 1];
  return last !== undefined && last.end !== undefined;
}

/**
 * When the latest run of a step or vertex started, in epoch milliseconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { latestStart } from "@drydock/core/progress";
 *
 * assert.equal(latestStart({ intervals: [{ start: 1, end: 2 }, { start: 5 }] }), 5);
 * ```
 */
export function latestStart(item: { readonly intervals: readonly Interval[] }): number | undefined {
  return item.intervals[item.intervals.length - 1]?.start;
}

/**
 * Whether an error means the step was canceled (because another failed) rather than failing itself.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isCanceledError } from "@drydock/core/progress";
 *
 * assert.equal(isCanceledError("failed to compute cache key: context canceled"), true);
 * assert.equal(isCanceledError("exit code: 1"), false);
 * ```
 */
export function isCanceledError(error: string | undefined): boolean {
  return error !== undefined && error.endsWith(CANCELED);
}
