/**
 * Which step the plain renderer gives the output to when several run at once, the way buildx's plain printer
 * decides: the busiest step wins, the current one keeps the output for a while (anti-flicker), a step that
 * waited too long takes it regardless; and which instantly completed sources it holds back.
 *
 * @module
 */

import { isCompleted } from "./item_state.ts";
import type { StepState, VertexState } from "./model_types.ts";
import type { StepOutput } from "./_plain_step.ts";

/** Seconds the output stays with one step before a busier one may take it (buildx's anti-flicker). */
const ANTI_FLICKER = 5;
/** Seconds a step may wait with unshown output before it takes the output regardless. */
const MAX_DELAY = 10;

// BuildKit >= 0.18 completes a local source at once (its cache key), then runs it again for the
// transfer: an instant completion with nothing to show waits this long for a rerun, so the step prints once.
const HOLD_MS = 1000;

/**
 * The step to print next among the running steps with pending output (`rest`), or undefined to stay: ranked
 * by updates per second since each last held the output.
 */
export function nextOnScreen(
  steps: readonly StepState[],
  rest: readonly StepState[],
  current: string | undefined,
  currentDone: boolean,
  outputOf: (key: string) => StepOutput,
  now: number,
): string | undefined {
  const candidates = steps.filter((s) => rest.includes(s) || (s.key === current && !isCompleted(s)));
  const stats = new Map<string, { blockTime: number; speed: number; overLimit: boolean }>();
  let sum = 0;
  let best: string | undefined;
  for (const step of candidates) {
    const out = outputOf(step.key);
    if (out.blockStart === undefined) continue;
    const blockTime = (now - out.blockStart) / 1000;
    const speed = out.count / blockTime;
    const overLimit = blockTime > MAX_DELAY && step.key !== current;
    stats.set(step.key, { blockTime, speed, overLimit });
    sum += speed;
    if (overLimit || best === undefined || stats.get(best)!.speed < speed) best = step.key;
  }
  if (best === undefined) return undefined;
  if (current === undefined || currentDone) return best;

  // A step that has waited too long gets the screen.
  const waited = rest.find((step) => stats.get(step.key)?.overLimit);
  if (waited) return waited.key;
  // Otherwise the current step keeps it for a time that grows with its share of the activity.
  const mine = stats.get(current);
  if (mine === undefined) return best;
  return 1 / (1 - mine.speed / sum) * ANTI_FLICKER < mine.blockTime ? best : undefined;
}

/**
 * Whether to hold back a step never printed whose completion was instant and showed nothing, while no step
 * that takes it as input has started: such a source is about to run again (see `HOLD_MS`).
 */
export function holdsBack(
  step: StepState,
  out: StepOutput,
  hasNews: boolean,
  vertices: () => readonly VertexState[],
  now: number,
): boolean {
  const first = step.intervals[0];
  const instant = step.intervals.length === 1 && first.end !== undefined && first.end - first.start < 1;
  if (out.index !== 0 || !isCompleted(step) || step.cached || step.error !== undefined || !instant) {
    return false;
  }
  if (hasNews) return false;
  const dependents = vertices().filter((v) => v.inputs.some((i) => step.members.includes(i)));
  if (dependents.length === 0 || dependents.some((v) => v.intervals.length > 0)) return false;
  out.heldSince ??= now;
  return now - out.heldSince < HOLD_MS;
}
