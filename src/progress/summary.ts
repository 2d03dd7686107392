/**
 * The few lines that end a build in the TTY view: how long it took, what ran, what was cached, what was slow
 * and what came out.
 *
 * @module
 */

import { formatFixed } from "./_format.ts";
import { printable, truncate } from "./text.ts";
import { activeMillis } from "./intervals.ts";
import { withWarningSource } from "./warning_source.ts";
import type { ProgressModel } from "./model.ts";
import { isCanceledError, isCompleted } from "./item_state.ts";

/** Warnings listed in the summary; the rest are counted. */
const MAX_WARNINGS = 5;

/** Long step names are cut so that several slow steps fit on the line. */
const SLOW_NAME_COLUMNS = 40;

/** Options for {@linkcode formatSummary}. */
export interface SummaryOptions {
  /** Wall-clock milliseconds the build took, as the user waited for it. */
  readonly totalMs: number;
  /** One line per exported output, e.g. `app: image web:dev (sha256:…)`. */
  readonly outputs?: readonly string[];
  /**
   * How many of the slowest steps to name.
   * @default {3}
   */
  readonly slowest?: number;
  /**
   * Terminal width; lines are cut to fit.
   * @default {Infinity}
   */
  readonly columns?: number;
  /** The build failed, even if no step did (e.g. an export was refused). */
  readonly failed?: boolean;
}

/**
 * Summarises a finished build from its progress model.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ProgressModel, formatSummary } from "@drydock/core/progress";
 *
 * const model = new ProgressModel();
 * const s = (n: bigint) => ({ seconds: n });
 * model.apply({
 *   vertexes: [
 *     { digest: "sha256:a", name: "[app 1/2] FROM busybox", cached: true, started: s(1n), completed: s(1n) },
 *     { digest: "sha256:b", name: "[app 2/2] RUN make", started: s(1n), completed: s(4n) },
 *   ],
 * });
 * assert.deepEqual(formatSummary(model, { totalMs: 3200, outputs: ["app: image app:dev"] }), [
 *   "Built in 3.2s: 1 step run, 1 cached",
 *   "  slowest: [app 2/2] RUN make 3.0s",
 *   "  app: image app:dev",
 * ]);
 * ```
 */
export function formatSummary(model: ProgressModel, options: SummaryOptions): string[] {
  const columns = options.columns ?? Infinity;
  const steps = model.steps();
  const failed = steps.filter((s) => s.error !== undefined && !isCanceledError(s.error)).length;
  const canceled = steps.filter((s) => isCanceledError(s.error)).length;
  const cached = steps.filter((s) => s.cached && s.error === undefined && isCompleted(s)).length;
  const ran = steps.filter((s) => !s.cached && s.error === undefined && isCompleted(s)).length;

  const counts = [`${ran} ${ran === 1 ? "step" : "steps"} run`, `${cached} cached`];
  if (failed > 0) counts.push(`${failed} failed`);
  if (canceled > 0) counts.push(`${canceled} canceled`);
  const seconds = formatFixed(options.totalMs / 1000, 1);
  const lines = [
    `${failed > 0 || options.failed ? "Failed after" : "Built in"} ${seconds}s: ${counts.join(", ")}`,
  ];

  const slowest = steps
    .filter((s) => !s.cached && s.intervals.length > 0)
    .map((s) => ({ name: s.name, ms: activeMillis(s.intervals) }))
    .filter((s) => s.ms >= 50)
    .sort((a, b) => b.ms - a.ms)
    .slice(0, options.slowest ?? 3);
  if (slowest.length > 0) {
    const named = slowest.map((s) =>
      `${truncate(s.name, SLOW_NAME_COLUMNS)} ${formatFixed(s.ms / 1000, 1)}s`
    );
    lines.push(`  slowest: ${named.join(" · ")}`);
  }
  const warnings = model.warnings();
  if (warnings.length > 0) {
    lines.push(`  ${warnings.length} ${warnings.length === 1 ? "warning" : "warnings"}:`);
    for (const w of warnings.slice(0, MAX_WARNINGS)) {
      lines.push(`    ! ${printable(withWarningSource(w.short, w.source))}`);
    }
    if (warnings.length > MAX_WARNINGS) lines.push(`    … and ${warnings.length - MAX_WARNINGS} more`);
  }
  for (const output of options.outputs ?? []) lines.push(`  ${output}`);
  return lines.map((line) => truncate(line, columns));
}
