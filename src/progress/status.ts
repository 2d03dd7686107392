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
  /** Whole seconds since the epoch. */
  seconds?: bigint;
  /** Nanoseconds past `seconds`. */
  nanos?: number;
}

/** `pb.ProgressGroup`: vertices sharing a group are shown as one step. */
export interface ProgressGroup {
  /** Vertices with the same id belong to the same group. */
  id?: string;
  /** The group's display name. */
  name?: string;
  /** A weak member alone does not make its group visible. */
  weak?: boolean;
}

/** One step of the build graph; re-sent as it starts, completes, or fails. */
export interface Vertex {
  /** The vertex's digest, which names it in every other message. */
  digest?: string;
  /** Digests of the vertices it depends on. */
  inputs?: string[];
  /** Display name, e.g. `[app 2/3] RUN make`. */
  name?: string;
  /** Whether its result came from the cache. */
  cached?: boolean;
  /** When it started; absent until then. */
  started?: Timestamp;
  /** When it finished; absent until then. */
  completed?: Timestamp;
  /** Why it failed; empty or absent unless it did. */
  error?: string;
  /** The progress group it is shown under, if any. */
  progressGroup?: ProgressGroup;
}

/** A sub-progress item of a vertex (a layer pull, a transfer, an export step), keyed by `id`. */
export interface VertexStatus {
  /** The item's key within its vertex, e.g. a layer digest. */
  id?: string;
  /** Digest of the vertex it belongs to. */
  vertex?: string;
  /** What it is doing, e.g. `extracting`. */
  name?: string;
  /** Bytes or items done. */
  current?: bigint;
  /** Bytes or items in all; 0 when unknown. */
  total?: bigint;
  /** When the engine took this reading. */
  timestamp?: Timestamp;
  /** When it started. */
  started?: Timestamp;
  /** When it finished; absent while it runs. */
  completed?: Timestamp;
}

/** Raw output of a vertex; `msg` is not line-aligned. `stream` 1 is stdout, 2 is stderr. */
export interface VertexLog {
  /** Digest of the vertex that wrote it. */
  vertex?: string;
  /** When the engine received it. */
  timestamp?: Timestamp;
  /** 1 is stdout, 2 is stderr. */
  stream?: bigint;
  /** The bytes written. */
  msg?: Uint8Array;
}

/** A warning attached to a vertex (BuildKit v0.13+), e.g. a Dockerfile lint finding. */
export interface VertexWarning {
  /** Digest of the vertex it is about. */
  vertex?: string;
  /** Severity. */
  level?: bigint;
  /** One-line description, UTF-8. */
  short?: Uint8Array;
  /** Longer explanation, one UTF-8 paragraph per entry. */
  detail?: Uint8Array[];
  /** A page explaining the warning. */
  url?: string;
}

/** One incremental update of the status stream. */
export interface StatusResponse {
  /** Vertices that appeared or changed state. */
  vertexes?: Vertex[];
  /** Sub-progress readings. */
  statuses?: VertexStatus[];
  /** Output the steps wrote. */
  logs?: VertexLog[];
  /** Warnings found (Dockerfile build checks ...). */
  warnings?: VertexWarning[];
}

/**
 * Converts a protobuf timestamp to milliseconds since the Unix epoch, keeping the sub-millisecond part as a
 * fraction. An absent timestamp stays `undefined`.
 *
 * @example Reading a timestamp
 * ```ts
 * import assert from "node:assert/strict";
 * import { timestampMillis } from "@drydock/core/progress";
 *
 * assert.equal(timestampMillis({ seconds: 1n, nanos: 500_000 }), 1000.5);
 * assert.equal(timestampMillis(undefined), undefined);
 * ```
 */
export function timestampMillis(ts: Timestamp | undefined): number | undefined {
  if (ts === undefined) return undefined;
  return Number(ts.seconds ?? 0n) * 1000 + (ts.nanos ?? 0) / 1e6;
}
