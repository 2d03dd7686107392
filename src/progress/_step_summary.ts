/**
 * What the progress model derives from its visible steps as a whole: the counts of a summary, and the
 * signature by which it tells whether an update changed what a renderer shows of a step.
 *
 * @module
 */

import { isCanceledError, isCompleted, isStarted } from "./item_state.ts";
import type { ProgressSummary, StepState } from "./model_types.ts";

/** Counts and wall-clock duration over `steps`; `now` ends the intervals still open. */
export function summarizeSteps(steps: readonly StepState[], now: number | undefined): ProgressSummary {
  let total = 0, completed = 0, cached = 0, errored = 0, canceled = 0, running = 0;
  let first = Infinity, last = -Infinity;
  for (const step of steps) {
    total++;
    const done = isCompleted(step);
    if (done) completed++;
    else if (isStarted(step)) running++;
    if (step.error !== undefined) {
      if (isCanceledError(step.error)) canceled++;
      else errored++;
    } else if (done && step.cached) cached++;
    for (const { start, end } of step.intervals) {
      first = Math.min(first, start);
      const stop = end ?? now;
      if (stop !== undefined) last = Math.max(last, stop);
    }
  }
  const durationMs = first <= last ? last - first : 0;
  return { total, completed, cached, errored, canceled, running, durationMs };
}

/** What a renderer shows of a step, as a string; empty while the step is not visible. */
export function stepSignature(step: StepState | undefined): string {
  if (!step?.visible) return "";
  const runs = step.intervals.map((i) => `${i.start}-${i.end ?? ""}`).join(",");
  return JSON.stringify([step.name, step.cached, step.error ?? "", runs]);
}
