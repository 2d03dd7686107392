/**
 * What the plain renderer keeps of one step's output, and the lines it prints for statuses and completions, the
 * way buildx's plain printer writes them.
 *
 * @module
 */

import { formatBytes, formatFixed, formatLogTime } from "./_format.ts";
import { splitLines } from "./_lines.ts";
import { isCanceledError } from "./item_state.ts";
import type { StatusState, StepState, WarningState } from "./model_types.ts";

/** A running status line is repeated only after this share of its total... */
const MIN_PROGRESS_DELTA = 0.05;
/** ...or after this many milliseconds of stream time. */
const MIN_TIME_DELTA_MS = 5000;

/** What the renderer tracks of one step's output. */
export interface StepOutput {
  /** The `#N` number, given on first print; 0 before. */
  index: number;
  /** Updates since the step last held the output, and the clock when that count began. */
  count: number;
  blockStart: number | undefined;
  /** Log lines (`<t> <text>`) not yet printed; the last is unterminated when `partial`. */
  lines: string[];
  partial: boolean;
  /** How much of `lines[0]` is already on screen, when the output stopped mid-line in this step. */
  offset: number;
  /** Status ids in the order they started; only started statuses are shown. */
  statusOrder: string[];
  statuses: Map<string, StatusState>;
  dirty: Set<string>;
  /** The last printed state of each status, for rate limiting repeats. */
  shown: Map<string, { current: number; timestamp: number | undefined }>;
  warnings: WarningState[];
  warned: number;
  /** The last printed log lines, for the failure summary. */
  recent: string[];
  /** Its completion line is the last it printed: a later run with nothing new to show prints nothing. */
  finished: boolean;
  /** When an instant, empty completion was first seen and held back (see `HOLD_MS`). */
  heldSince: number | undefined;
}

/** The output of a step not printed yet. */
export function newStepOutput(): StepOutput {
  return {
    index: 0,
    count: 0,
    blockStart: undefined,
    lines: [],
    partial: false,
    offset: 0,
    statusOrder: [],
    statuses: new Map(),
    dirty: new Set(),
    shown: new Map(),
    warnings: [],
    warned: 0,
    recent: [],
    finished: false,
    heldSince: undefined,
  };
}

/** Whether a running status moved far enough, in share of its total or in time, since it was `last` printed. */
export function repeatDue(
  status: StatusState,
  last: { readonly current: number; readonly timestamp: number | undefined },
): boolean {
  if (status.completed !== undefined) return true;
  const progress = status.total > 0 ? (status.current - last.current) / status.total : 0;
  const elapsed = status.timestamp !== undefined && last.timestamp !== undefined
    ? status.timestamp - last.timestamp
    : 0;
  return !(progress < MIN_PROGRESS_DELTA && elapsed < MIN_TIME_DELTA_MS);
}

/** `<id>[ <cur> / <total>][ <secs>s][ done]`, as buildx prints a status. */
export function statusLine(status: StatusState): string {
  let text = status.id;
  if (status.total !== 0) text += ` ${formatBytes(status.current)} / ${formatBytes(status.total)}`;
  else if (status.current !== 0) text += ` ${formatBytes(status.current)}`;
  const end = status.completed ?? status.timestamp;
  if (status.started !== undefined && end !== undefined) {
    const seconds = (end - status.started) / 1000;
    if (seconds > 0.01) text += ` ${formatFixed(seconds, 1)}s`;
  }
  if (status.completed !== undefined) text += " done";
  return text;
}

/** The line that closes a finished step's block. */
export function completionLine(step: StepState): string {
  if (step.error !== undefined) return isCanceledError(step.error) ? "CANCELED" : `ERROR: ${step.error}`;
  if (step.cached) return "CACHED";
  if (step.intervals.length === 0) return "DONE";
  // Sum per interval, in seconds, the way buildx adds up a step that ran more than once.
  const seconds = step.intervals.reduce((sum, i) => sum + ((i.end ?? i.start) - i.start) / 1000, 0);
  return `DONE ${formatFixed(seconds, 1)}s`;
}

/** When a step's latest run ended; Infinity while it runs. */
export function lastEnd(step: StepState): number {
  return step.intervals[step.intervals.length - 1]?.end ?? Infinity;
}

/** Adds a log chunk's text to `out` as lines stamped `seconds` into the step, continuing an unterminated one. */
export function appendLogLines(out: StepOutput, text: string, seconds: number): void {
  const { lines, complete } = splitLines(text);
  lines.forEach((line, i) => {
    if (i === 0 && out.partial && out.lines.length > 0) out.lines[out.lines.length - 1] += line;
    else out.lines.push(`${formatLogTime(seconds)} ${line}`);
  });
  out.partial = !complete;
}

/** buildx's summary of each failed step, in `#N` order: `------`, ` > <name>:`, its last log lines, `------`. */
export function failureLines(
  outputs: ReadonlyMap<string, StepOutput>,
  stepOf: (key: string) => StepState | undefined,
): string[] {
  const printed = [...outputs].filter(([, out]) => out.index > 0).sort(([, a], [, b]) => a.index - b.index);
  const lines: string[] = [];
  for (const [key, out] of printed) {
    const step = stepOf(key);
    if (step?.error === undefined || isCanceledError(step.error)) continue;
    lines.push("------", ` > ${step.name}:`, ...out.recent);
    if (out.partial && out.lines.length > 0) lines.push(out.lines[0]);
    lines.push("------");
  }
  return lines;
}
