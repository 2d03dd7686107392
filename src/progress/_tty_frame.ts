/**
 * What the live TTY view shows at one moment, as plain text rows. Pure: the renderer decides when to draw.
 *
 * @module
 */

import { formatBytes, formatFixed } from "./_format.ts";
import { displayWidth, printable, spread, truncate } from "./text.ts";
import { activeMillis } from "./intervals.ts";
import type { ProgressModel } from "./model.ts";
import type { StatusState, StepState } from "./model_types.ts";
import { isCanceledError, isCompleted, isStarted, latestStart } from "./item_state.ts";

/** Colours for the parts of a row; identity functions when colour is off. */
export interface Palette {
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
  readonly red: (s: string) => string;
  readonly blue: (s: string) => string;
  readonly yellow: (s: string) => string;
}

/** A palette without colour. */
export const PLAIN_PALETTE: Palette = { dim: id, bold: id, red: id, blue: id, yellow: id };

/** ANSI colours (SGR). */
export const ANSI_PALETTE: Palette = {
  dim: (s) => `\x1b[2m${s}\x1b[0m`,
  bold: (s) => `\x1b[1m${s}\x1b[0m`,
  red: (s) => `\x1b[31m${s}\x1b[0m`,
  blue: (s) => `\x1b[34m${s}\x1b[0m`,
  yellow: (s) => `\x1b[33m${s}\x1b[0m`,
};

/** How a frame is laid out. */
export interface FrameLayout {
  readonly now: number;
  readonly columns: number;
  /** Rows the live part may take; older log lines, then whole steps, give way when it would not fit. */
  readonly rows: number;
  /** Log lines shown under each running step. */
  readonly logLines: number;
  readonly palette: Palette;
  /** When the build started on the client's clock, for the header's timer. */
  readonly startedAt: number;
  /** The last frame: steps still running are committed as they stand. */
  readonly final?: boolean;
}

/** One frame: rows to print once above the live view (finished steps), and the live view itself. */
export interface Frame {
  readonly committed: readonly string[];
  readonly live: readonly string[];
}

const BAR_WIDTH = 20;

/**
 * Builds the next frame. `finished` maps the steps already committed to the scrollback to the end time they were
 * committed with; steps that finished since are added to it and returned in `committed`, consecutive cached ones
 * collapsed into one row.
 *
 * @example A running step with its last log line
 * ```ts
 * import assert from "node:assert/strict";
 * import { ProgressModel } from "./model.ts";
 * import { buildFrame, PLAIN_PALETTE } from "./_tty_frame.ts";
 *
 * const model = new ProgressModel();
 * model.apply({ vertexes: [{ digest: "sha256:a", name: "[app 2/3] RUN make", started: { seconds: 10n } }] });
 * model.apply({ logs: [{ vertex: "sha256:a", msg: new TextEncoder().encode("cc main.c\n") }] });
 * const layout = { now: 12_500, columns: 40, rows: 10, logLines: 3, palette: PLAIN_PALETTE, startedAt: 10_000 };
 * const frame = buildFrame(model, new Map(), layout);
 * assert.deepEqual(frame.live, [
 *   "[+] Building 2.5s (0/1)",
 *   " => [app 2/3] RUN make              2.5s",
 *   "    │ cc main.c",
 * ]);
 * ```
 */
export function buildFrame(model: ProgressModel, finished: Map<string, number>, layout: FrameLayout): Frame {
  const steps = model.steps();
  const committed: string[] = [];
  let cachedRun: StepState[] = [];
  const flushCached = () => {
    if (cachedRun.length > 0) committed.push(cachedRow(cachedRun, layout));
    cachedRun = [];
  };
  // Rows enter the scrollback in the order their steps ended. A step that ran again gets a row again, unless
  // the engine only re-announced it as cached.
  const ended = steps
    .filter((s) => (isCompleted(s) || (layout.final && isStarted(s))) && finished.get(s.key) !== endOf(s))
    .sort((a, b) => endOf(a) - endOf(b));
  for (const step of ended) {
    const seen = finished.has(step.key);
    finished.set(step.key, endOf(step));
    if (seen && step.cached && step.error === undefined) continue;
    if (step.cached && step.error === undefined && step.warnings.length === 0) {
      cachedRun.push(step);
      continue;
    }
    flushCached();
    committed.push(stepRow(step, layout));
    for (const warning of step.warnings) committed.push(warningRow(warning.short, layout));
  }
  flushCached();

  const running = steps.filter((s) =>
    isStarted(s) && !isCompleted(s) && !(layout.final && finished.has(s.key))
  );
  const done = steps.filter((s) => finished.has(s.key) && isCompleted(s)).length;
  const elapsed = Math.max(0, layout.now - layout.startedAt) / 1000;
  const cachedCount = steps.filter((s) => finished.has(s.key) && s.cached && s.error === undefined).length;
  const header = `[+] Building ${formatFixed(elapsed, 1)}s (${done}/${steps.length})` +
    (cachedCount > 0 ? ` ${cachedCount} cached` : "");
  const blocks = running.map((step) => runningBlock(step, model, layout));
  return { committed, live: [layout.palette.bold(truncate(header, layout.columns)), ...fit(blocks, layout)] };
}

/** Keeps the live view within `layout.rows`: log lines go first, then the newest running steps. */
function fit(blocks: string[][], layout: FrameLayout): string[] {
  const room = Math.max(1, layout.rows - 1);
  const total = () => blocks.reduce((n, b) => n + b.length, 0);
  if (total() <= room) return blocks.flat();
  // Drop log and status rows (everything after a block's first row) from the oldest blocks first.
  for (const block of blocks) {
    while (block.length > 1 && total() > room) block.splice(1, 1);
  }
  if (total() <= room) return blocks.flat();
  const shown = blocks.slice(0, room - 1).flat();
  shown.push(
    layout.palette.dim(truncate(`    … and ${blocks.length - (room - 1)} more running`, layout.columns)),
  );
  return shown;
}

function runningBlock(step: StepState, model: ProgressModel, layout: FrameLayout): string[] {
  const { columns, palette } = layout;
  const start = latestStart(step) ?? layout.now;
  const seconds = (activeMillis(step.intervals.slice(0, -1)) + Math.max(0, layout.now - start)) / 1000;
  const rows = [spread(` => ${step.name}`, `${formatFixed(seconds, 1)}s`, columns)];
  for (const status of step.statuses) {
    if (status.completed !== undefined || status.started === undefined) continue;
    rows.push(palette.dim(statusRow(status, layout)));
  }
  if (layout.logLines > 0) {
    const lines = step.members.flatMap((digest) => model.lastLogLines(digest, layout.logLines))
      .slice(-layout.logLines);
    for (const line of lines) rows.push(palette.dim(truncate(`    │ ${printable(line)}`, columns)));
  }
  for (const warning of step.warnings) rows.push(warningRow(warning.short, layout));
  return rows;
}

/** `    ↓ <id> <cur> / <total> [████░░░░] <rate>/s`: a transfer or pull with its progress. */
function statusRow(status: StatusState, layout: FrameLayout): string {
  const label = `    ↓ ${printable(status.id)}`;
  let right = "";
  if (status.total > 0) {
    const share = Math.min(1, Math.max(0, status.current / status.total));
    const filled = Math.round(share * BAR_WIDTH);
    right = `${formatBytes(status.current)} / ${formatBytes(status.total)} ` +
      `${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)}`;
  } else if (status.current > 0) {
    right = formatBytes(status.current);
  }
  const rate = rateOf(status);
  if (rate !== undefined) right += ` ${formatBytes(rate)}/s`;
  // Too narrow for the bar: keep the numbers.
  if (displayWidth(label) + displayWidth(right) + 1 > layout.columns && status.total > 0) {
    right = `${formatBytes(status.current)} / ${formatBytes(status.total)}`;
  }
  return spread(label, right.trim(), layout.columns);
}

/** Bytes per second since the status started, when it has moved for long enough to say. */
function rateOf(status: StatusState): number | undefined {
  if (status.started === undefined || status.timestamp === undefined || status.current <= 0) return undefined;
  const seconds = (status.timestamp - status.started) / 1000;
  return seconds >= 0.5 ? status.current / seconds : undefined;
}

/** The row a finished step leaves in the scrollback. */
function stepRow(step: StepState, layout: FrameLayout): string {
  const { palette, columns } = layout;
  const seconds = activeMillis(step.intervals) / 1000;
  if (step.error !== undefined) {
    const label = isCanceledError(step.error) ? "CANCELED" : "ERROR";
    return palette.red(spread(` => ${label} ${step.name}`, `${formatFixed(seconds, 1)}s`, columns));
  }
  return palette.blue(spread(` => ${step.name}`, `${formatFixed(seconds, 1)}s`, columns));
}

/** An engine warning under its step, as buildx's plain output words it. */
function warningRow(short: string, layout: FrameLayout): string {
  return layout.palette.yellow(truncate(`    ! WARN: ${printable(short)}`, layout.columns));
}

function cachedRow(steps: readonly StepState[], layout: FrameLayout): string {
  const text = steps.length === 1
    ? ` => CACHED ${steps[0].name}`
    : ` => CACHED ${steps.length} steps: ${steps.map((s) => s.name).join(", ")}`;
  return layout.palette.blue(truncate(text, layout.columns));
}

function endOf(step: StepState): number {
  return step.intervals[step.intervals.length - 1]?.end ?? Infinity;
}

function id(s: string): string {
  return s;
}
