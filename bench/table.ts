/**
 * The bench's result table: medians per shape and client, and the ratio to buildx.
 *
 * @module
 */
import { median, type Run } from "./measure.ts";

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
    const ratio = reference ? median(reference.runs.map((r) => r.seconds)) / seconds : NaN;
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
