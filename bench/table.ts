/**
 * The bench's result table: medians per shape and client, and the ratio to buildx.
 *
 * @module
 */
import { median, type Run } from "./measure.ts";
import type { GraphRun } from "./graph.ts";

/** All runs of one client on one shape. */
export interface Cell {
  readonly shape: string;
  readonly client: string;
  readonly runs: readonly Run[];
}

/** The client every ratio compares to. */
export const REFERENCE = "buildx";

/**
 * Renders a Markdown table. `ratio` is buildx's median time divided by this client's, so above 1.0 means
 * faster than buildx; throughput is the shape's bytes over the median wall time of the whole command.
 *
 * @example
 * ```ts
 * import { renderTable } from "./table.ts";
 * const runs = [{ seconds: 2, peakRss: 50 * 2 ** 20, cpuSeconds: 1 }];
 * console.log(renderTable([{ shape: "s", client: "buildx", runs }], new Map([["s", 2 ** 20]])));
 * ```
 */
export function renderTable(cells: readonly Cell[], bytesByShape: ReadonlyMap<string, number>): string {
  const rows = [
    "| shape | client | runs | median s | MiB/s | ratio to buildx | client CPU s | median peak RSS MiB | max peak RSS MiB |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const cell of cells) {
    const seconds = median(cell.runs.map((r) => r.seconds));
    const reference = cells.find((c) => c.shape === cell.shape && c.client === REFERENCE);
    const ratio = reference && cell.runs.length
      ? median(reference.runs.map((r) => r.seconds)) / seconds
      : NaN;
    const mib = (bytesByShape.get(cell.shape) ?? 0) / 2 ** 20;
    const rss = cell.runs.map((r) => r.peakRss / 2 ** 20);
    rows.push(
      `| ${cell.shape} | ${cell.client} | ${cell.runs.length} | ${seconds.toFixed(2)} | ${
        (mib / seconds).toFixed(0)
      } | ${Number.isNaN(ratio) ? "–" : ratio.toFixed(2)} | ${
        median(cell.runs.map((r) => r.cpuSeconds)).toFixed(2)
      } | ${median(rss).toFixed(0)} | ${Math.max(...rss).toFixed(0)} |`,
    );
  }
  return rows.join("\n");
}

/** All runs of one runtime on one graph size. */
export interface GraphCell {
  readonly steps: number;
  readonly runtime: string;
  readonly runs: readonly GraphRun[];
}

/**
 * Renders the graph table: medians (and the spread) of build, marshal and CPU milliseconds.
 *
 * @example
 * ```ts
 * import { renderGraphTable } from "./table.ts";
 * const run = { shape: "chain" as const, steps: 10, ops: 12, buildMs: 1, marshalMs: 2, cpuMs: 3, bytes: 100 };
 * console.log(renderGraphTable([{ steps: 10, runtime: "deno", runs: [run] }]));
 * ```
 */
export function renderGraphTable(cells: readonly GraphCell[]): string {
  const rows = [
    "| chain steps | runtime | runs | ops | build ms | marshal ms | build + marshal ms (min–max) | CPU ms |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const cell of cells) {
    const total = cell.runs.map((r) => r.buildMs + r.marshalMs);
    const m = (f: (r: GraphRun) => number) => median(cell.runs.map(f)).toFixed(0);
    rows.push(
      `| ${cell.steps} | ${cell.runtime} | ${cell.runs.length} | ${cell.runs[0]?.ops ?? 0} | ${
        m((r) => r.buildMs)
      } | ${m((r) => r.marshalMs)} | ${median(total).toFixed(0)} (${Math.min(...total).toFixed(0)}–${
        Math.max(...total).toFixed(0)
      }) | ${m((r) => r.cpuMs)} |`,
    );
  }
  return rows.join("\n");
}

/**
 * Renders the incremental re-upload table: median time, ratio to buildx, and the median bytes each client
 * sent to the engine (one changed file should cost about its own size plus the listing).
 *
 * @example
 * ```ts
 * import { renderIncrementalTable } from "./table.ts";
 * const run = { seconds: 2, peakRss: 50 * 2 ** 20, cpuSeconds: 1, sentBytes: 3 * 2 ** 20 };
 * console.log(renderIncrementalTable([{ shape: "incremental", client: "buildx", runs: [run] }]));
 * ```
 */
export function renderIncrementalTable(cells: readonly Cell[]): string {
  if (cells.length === 0) return "";
  const rows = [
    "| incremental: one changed file | client | runs | median s (min–max) | ratio to buildx | sent to engine MiB | client CPU s | median peak RSS MiB |",
    "|---|---|---|---|---|---|---|---|",
  ];
  const reference = cells.find((c) => c.client === REFERENCE);
  for (const cell of cells) {
    const seconds = cell.runs.map((r) => r.seconds);
    const ratio = reference ? median(reference.runs.map((r) => r.seconds)) / median(seconds) : NaN;
    const sent = cell.runs.map((r) => (r.sentBytes ?? NaN) / 2 ** 20);
    rows.push(
      `| ${cell.shape} | ${cell.client} | ${cell.runs.length} | ${spread(seconds)} | ${
        Number.isNaN(ratio) ? "–" : ratio.toFixed(2)
      } | ${median(sent).toFixed(2)} | ${median(cell.runs.map((r) => r.cpuSeconds)).toFixed(2)} | ${
        median(cell.runs.map((r) => r.peakRss / 2 ** 20)).toFixed(0)
      } |`,
    );
  }
  return rows.join("\n");
}

/**
 * Renders the scaling table: for each upload shape of 1 KiB files that was run (1k, 10k, 50k, 200k), per
 * client, the median wall time, client CPU (and CPU per 1,000 files) and peak RSS, so the growth shows.
 * Empty when fewer than two such shapes were run.
 *
 * @example
 * ```ts
 * import { renderScalingTable } from "./table.ts";
 * const run = (s: number) => ({ seconds: s, peakRss: 60 * 2 ** 20, cpuSeconds: s / 2 });
 * const cells = [{ shape: "files1k", client: "deno", runs: [run(1)] }, { shape: "small", client: "deno", runs: [run(9)] }];
 * console.log(renderScalingTable(cells, new Map([["files1k", 1000], ["small", 50000]])));
 * ```
 */
export function renderScalingTable(
  cells: readonly Cell[],
  filesByShape: ReadonlyMap<string, number>,
): string {
  const series = cells.filter((c) => SCALING.includes(c.shape) && c.runs.length > 0);
  if (new Set(series.map((c) => c.shape)).size < 2) return "";
  const rows = [
    "| files | client | median s (min–max) | client CPU s | CPU ms per 1,000 files | median peak RSS MiB (max) |",
    "|---|---|---|---|---|---|",
  ];
  const sorted = [...series].sort((a, b) =>
    (filesByShape.get(a.shape) ?? 0) - (filesByShape.get(b.shape) ?? 0)
  );
  for (const cell of sorted) {
    const files = filesByShape.get(cell.shape) ?? 0;
    const cpu = median(cell.runs.map((r) => r.cpuSeconds));
    const rss = cell.runs.map((r) => r.peakRss / 2 ** 20);
    rows.push(
      `| ${files.toLocaleString("en")} | ${cell.client} | ${spread(cell.runs.map((r) => r.seconds))} | ${
        cpu.toFixed(2)
      } | ${(cpu * 1e6 / Math.max(1, files)).toFixed(0)} | ${median(rss).toFixed(0)} (${
        Math.max(...rss).toFixed(0)
      }) |`,
    );
  }
  return rows.join("\n");
}

/** The upload shapes of 1 KiB files that make the scaling series. */
const SCALING = ["files1k", "files10k", "small", "files200k"];

/** `median (min–max)` of seconds. */
function spread(values: readonly number[]): string {
  return `${median(values).toFixed(2)} (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})`;
}
