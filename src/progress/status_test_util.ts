/**
 * Builders for synthetic status updates in tests. Times are milliseconds after a fixed epoch.
 *
 * @module
 */

import type { StatusResponse, Timestamp, Vertex, VertexLog, VertexStatus } from "./status.ts";

/** The fixed epoch of test timestamps, in milliseconds (2023-11-14). */
export const EPOCH_MS = 1_700_000_000_000;

/**
 * A timestamp `ms` milliseconds after {@linkcode EPOCH_MS}; fractions of a millisecond are kept.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { at } from "./status_test_util.ts";
 *
 * assert.deepEqual(at(1.5), { seconds: 1_700_000_000n, nanos: 1_500_000 });
 * ```
 */
export function at(ms: number): Timestamp {
  const ns = BigInt(EPOCH_MS) * 1_000_000n + BigInt(Math.round(ms * 1e6));
  return { seconds: ns / 1_000_000_000n, nanos: Number(ns % 1_000_000_000n) };
}

/**
 * A vertex update; `started`/`completed` are test times in milliseconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { vertex } from "./status_test_util.ts";
 *
 * assert.equal(vertex("sha256:a", "a", { started: 0 }).vertexes?.[0].name, "a");
 * ```
 */
export function vertex(
  digest: string,
  name: string,
  fields: Omit<Vertex, "digest" | "name" | "started" | "completed"> & {
    started?: number;
    completed?: number;
  } = {},
): StatusResponse {
  const { started, completed, ...rest } = fields;
  const v: Vertex = { digest, name, ...rest };
  if (started !== undefined) v.started = at(started);
  if (completed !== undefined) v.completed = at(completed);
  return { vertexes: [v] };
}

/**
 * A log update for one vertex at test time `ms`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { log } from "./status_test_util.ts";
 *
 * assert.equal(log("sha256:a", 5, "hi\n").logs?.[0].stream, 1n);
 * ```
 */
export function log(digest: string, ms: number, text: string | Uint8Array, stream = 1n): StatusResponse {
  const msg = typeof text === "string" ? new TextEncoder().encode(text) : text;
  const entry: VertexLog = { vertex: digest, timestamp: at(ms), stream, msg };
  return { logs: [entry] };
}

/**
 * A status update for one vertex; times are test times in milliseconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { status } from "./status_test_util.ts";
 *
 * assert.equal(status("sha256:a", "exporting layers", { started: 0, completed: 5 }).statuses?.[0].id, "exporting layers");
 * ```
 */
export function status(
  digest: string,
  id: string,
  fields: { current?: number; total?: number; timestamp?: number; started?: number; completed?: number } = {},
): StatusResponse {
  const s: VertexStatus = {
    id,
    vertex: digest,
    current: BigInt(fields.current ?? 0),
    total: BigInt(fields.total ?? 0),
  };
  const timestamp = fields.timestamp ?? fields.completed ?? fields.started;
  if (timestamp !== undefined) s.timestamp = at(timestamp);
  if (fields.started !== undefined) s.started = at(fields.started);
  if (fields.completed !== undefined) s.completed = at(fields.completed);
  return { statuses: [s] };
}

/**
 * Merges several updates into one response, as the engine batches them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { merge, vertex } from "./status_test_util.ts";
 *
 * assert.equal(merge(vertex("sha256:a", "a"), vertex("sha256:b", "b")).vertexes?.length, 2);
 * ```
 */
export function merge(...updates: StatusResponse[]): StatusResponse {
  return {
    vertexes: updates.flatMap((u) => u.vertexes ?? []),
    statuses: updates.flatMap((u) => u.statuses ?? []),
    logs: updates.flatMap((u) => u.logs ?? []),
    warnings: updates.flatMap((u) => u.warnings ?? []),
  };
}
