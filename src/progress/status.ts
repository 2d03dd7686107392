/**
 * The shape of BuildKit's `Control.Status` stream, as the progress layer reads it.
 *
 * These are structural copies of the generated `moby.buildkit.v1` messages: every field is optional,
 * 64-bit integers are `bigint` and bytes are `Uint8Array`, so the generated objects can be passed as they are
 * without this layer importing generated code.
 *
 * @module
 */

/** `google.protobuf.Timestamp`: seconds and nanoseconds since the Unix epoch. */
export interface Timestamp {
  seconds?: bigint;
  nanos?: number;
}

/** `pb.ProgressGroup`: vertices sharing a group are shown as one step. */
export interface ProgressGroup {
  id?: string;
  name?: string;
  /** A weak member alone does not make its group visible. */
  weak?: boolean;
}

/** One step of the build graph; re-sent as it starts, completes, or fails. */
export interface Vertex {
  digest?: string;
  inputs?: string[];
  name?: string;
  cached?: boolean;
  started?: Timestamp;
  completed?: Timestamp;
  error?: string;
  progressGroup?: ProgressGroup;
}

/** A sub-progress item of a vertex (a layer pull, a transfer, an export step), keyed by `id`. */
export interface VertexStatus {
  id?: string;
  vertex?: string;
  name?: string;
  current?: bigint;
  total?: bigint;
  timestamp?: Timestamp;
  started?: Timestamp;
  completed?: Timestamp;
}

/** Raw output of a vertex; `msg` is not line-aligned. `stream` 1 is stdout, 2 is stderr. */
export interface VertexLog {
  vertex?: string;
  timestamp?: Timestamp;
  stream?: bigint;
  msg?: Uint8Array;
}

/** A warning attached to a vertex (BuildKit v0.13+), e.g. a Dockerfile lint finding. */
export interface VertexWarning {
  vertex?: string;
  level?: bigint;
  short?: Uint8Array;
  detail?: Uint8Array[];
  url?: string;
}

/** One incremental update of the status stream. */
export interface StatusResponse {
  vertexes?: Vertex[];
  statuses?: VertexStatus[];
  logs?: VertexLog[];
  warnings?: VertexWarning[];
}

/**
 * Converts a protobuf timestamp to milliseconds since the Unix epoch, keeping the sub-millisecond part as a
 * fraction. An absent timestamp stays `undefined`.
 *
 * @example Reading a timestamp
 * ```ts
 * import assert from "node:assert/strict";
 * import { timestampMillis } from "./status.ts";
 *
 * assert.equal(timestampMillis({ seconds: 1n, nanos: 500_000 }), 1000.5);
 * assert.equal(timestampMillis(undefined), undefined);
 * ```
 */
export function timestampMillis(ts: Timestamp | undefined): number | undefined {
  if (ts === undefined) return undefined;
  return Number(ts.seconds ?? 0n) * 1000 + (ts.nanos ?? 0) / 1e6;
}
