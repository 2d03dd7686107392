/**
 * Time intervals during which a step was running.
 *
 * @module
 */

/** A span of running time in milliseconds since the Unix epoch; `end` is absent while still running. */
export interface Interval {
  /** When it started running. */
  readonly start: number;
  /** When it stopped; absent while it still runs. */
  readonly end?: number;
}

/**
 * Sorts intervals and merges those that overlap or touch. An open interval absorbs every interval that starts
 * after it, since it has not ended yet.
 *
 * @example Overlapping runs count once
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergeIntervals } from "@drydock/core/progress";
 *
 * assert.deepEqual(
 *   mergeIntervals([{ start: 5, end: 9 }, { start: 0, end: 2 }, { start: 1, end: 3 }]),
 *   [{ start: 0, end: 3 }, { start: 5, end: 9 }],
 * );
 * ```
 */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const next of sorted) {
    const last = merged[merged.length - 1];
    if (last === undefined || (last.end !== undefined && last.end < next.start)) {
      merged.push(next);
    } else if (last.end !== undefined && (next.end === undefined || next.end > last.end)) {
      merged[merged.length - 1] = next.end === undefined
        ? { start: last.start }
        : { start: last.start, end: next.end };
    } // otherwise `last` already covers `next`
  }
  return merged;
}

/**
 * Sums the running time of merged intervals in milliseconds. An open interval counts up to `now`, or not at
 * all when `now` is not given.
 *
 * @example Time spent across two runs
 * ```ts
 * import assert from "node:assert/strict";
 * import { activeMillis } from "@drydock/core/progress";
 *
 * assert.equal(activeMillis([{ start: 0, end: 200 }, { start: 1000, end: 1100 }]), 300);
 * assert.equal(activeMillis([{ start: 0 }], 50), 50);
 * ```
 */
export function activeMillis(intervals: readonly Interval[], now?: number): number {
  let total = 0;
  for (const { start, end } of intervals) {
    const stop = end ?? now;
    if (stop !== undefined) total += stop - start;
  }
  return total;
}
