/**
 * The progress model's bookkeeping for one vertex and one progress group: the mutable records the model folds
 * updates into, and the frozen snapshots and steps it makes of them.
 *
 * @module
 */

import { LogTail } from "./_lines.ts";
import { mergeIntervals } from "./intervals.ts";
import type {
  GroupInfo,
  LogChunk,
  StatusState,
  StepState,
  VertexState,
  WarningState,
} from "./model_types.ts";
import {
  timestampMillis,
  type Vertex,
  type VertexLog,
  type VertexStatus,
  type VertexWarning,
} from "./status.ts";
import { warningSource } from "./warning_source.ts";

/** Step keys of progress groups start with this; a vertex's step key is its digest. */
export const GROUP_PREFIX = "group:";

/** What the model knows of one vertex, updated in place; `snapshot` caches its frozen view. */
export interface VertexRecord {
  readonly digest: string;
  announced: boolean;
  name: string;
  inputs: readonly string[];
  cached: boolean;
  error: string | undefined;
  group: GroupInfo | undefined;
  /** Start → end of every run seen; keyed by start so re-sent updates overwrite rather than duplicate. */
  readonly runs: Map<number, number | undefined>;
  readonly statuses: Map<string, StatusState>;
  readonly warnings: WarningState[];
  readonly tail: LogTail;
  /** One decoder per stream, so a UTF-8 sequence split across chunks decodes whole. */
  readonly decoders: Map<number, TextDecoder>;
  snapshot: VertexState | undefined;
}

/** One progress group: its members in order of joining, and whether it is shown yet. */
export interface GroupRecord {
  readonly info: GroupInfo;
  readonly members: string[];
  revealed: boolean;
}

/** A record for a vertex not seen before, keeping the last `logLines` lines of its logs. */
export function newVertexRecord(digest: string, logLines: number): VertexRecord {
  return {
    digest,
    announced: false,
    name: "",
    inputs: [],
    cached: false,
    error: undefined,
    group: undefined,
    runs: new Map(),
    statuses: new Map(),
    warnings: [],
    tail: new LogTail(logLines),
    decoders: new Map(),
    snapshot: undefined,
  };
}

/**
 * Folds the run a vertex update describes into the record. Only the update describing the latest run decides
 * name, cached and error; older or stale ones just add their interval.
 */
export function foldRun(record: VertexRecord, v: Vertex): void {
  const start = timestampMillis(v.started);
  const end = timestampMillis(v.completed);
  let latest: boolean;
  if (start === undefined) {
    latest = record.runs.size === 0; // an announcement; after a start it is a stale duplicate
  } else {
    const newest = Math.max(-Infinity, ...record.runs.keys());
    const known = record.runs.get(start);
    const reopens = known !== undefined && end === undefined; // a stale re-send of a finished run
    record.runs.set(start, end ?? known);
    latest = start > newest || (start === newest && !reopens);
  }
  if (latest) {
    if (v.name) record.name = v.name;
    record.cached = v.cached ?? false;
    record.error = v.error || undefined;
  } else if (!record.name && v.name) {
    record.name = v.name;
  }
}

/** The status an update brings, or undefined when it is older than, or the same as, what the record has. */
export function nextStatus(record: VertexRecord, s: VertexStatus): StatusState | undefined {
  const id = s.id ?? "";
  const prev = record.statuses.get(id);
  const timestamp = timestampMillis(s.timestamp);
  const completed = timestampMillis(s.completed);
  if (prev) {
    if (timestamp !== undefined && prev.timestamp !== undefined && timestamp < prev.timestamp) {
      return undefined;
    }
    if (timestamp === prev.timestamp && prev.completed !== undefined && completed === undefined) {
      return undefined;
    }
  }
  const started = timestampMillis(s.started) ?? prev?.started;
  const next: StatusState = {
    vertex: record.digest,
    id,
    name: s.name ?? "",
    current: Number(s.current ?? 0n),
    total: Number(s.total ?? 0n),
    ...(timestamp === undefined ? {} : { timestamp }),
    ...(started === undefined ? {} : { started }),
    ...(completed === undefined ? {} : { completed }),
  };
  if (prev && sameStatus(prev, next)) return undefined;
  return next;
}

/** A warning of `vertex`, its bytes decoded as UTF-8. */
export function decodeWarning(vertex: string, w: VertexWarning): WarningState {
  const decoder = new TextDecoder();
  const source = warningSource(w);
  return Object.freeze({
    vertex,
    level: Number(w.level ?? 0n),
    short: decoder.decode(w.short ?? new Uint8Array()),
    detail: Object.freeze((w.detail ?? []).map((d) => decoder.decode(d))),
    ...(w.url ? { url: w.url } : {}),
    ...(source ? { source } : {}),
  });
}

/** Appends a log message to the record's tail, as the chunk a renderer prints; none while a character is cut. */
export function appendLog(
  record: VertexRecord,
  l: VertexLog,
  msg: Uint8Array,
  step: string,
): LogChunk | undefined {
  const stream = Number(l.stream ?? 0n);
  let decoder = record.decoders.get(stream);
  if (!decoder) record.decoders.set(stream, decoder = new TextDecoder());
  const text = decoder.decode(msg, { stream: true });
  if (text === "") return undefined; // only the first bytes of a multi-byte character so far
  record.tail.append(text);
  const timestamp = timestampMillis(l.timestamp);
  return { step, vertex: record.digest, stream, ...(timestamp === undefined ? {} : { timestamp }), text };
}

/** The frozen view of a record. */
export function snapshotOf(record: VertexRecord): VertexState {
  return Object.freeze({
    digest: record.digest,
    name: record.name,
    inputs: record.inputs,
    cached: record.cached,
    ...(record.error === undefined ? {} : { error: record.error }),
    ...(record.group === undefined ? {} : { group: record.group }),
    intervals: Object.freeze(
      mergeIntervals(
        [...record.runs].map(([start, end]) => end === undefined ? { start } : { start, end }),
      ),
    ),
    statuses: Object.freeze([...record.statuses.values()]),
    warnings: Object.freeze([...record.warnings]),
    announced: record.announced,
  });
}

/** The step of a vertex in no progress group. */
export function vertexStepOf(v: VertexState): StepState {
  return Object.freeze({
    key: v.digest,
    kind: "vertex",
    name: v.name,
    members: Object.freeze([v.digest]),
    cached: v.cached,
    ...(v.error === undefined ? {} : { error: v.error }),
    intervals: v.intervals,
    statuses: v.statuses,
    warnings: v.warnings,
    visible: v.announced,
  });
}

/** The step of a progress group, from the snapshots of its members. */
export function groupStepOf(key: string, group: GroupRecord, members: readonly VertexState[]): StepState {
  const error = members.find((m) => m.error !== undefined)?.error;
  return Object.freeze({
    key,
    kind: "group",
    name: group.info.name,
    members: Object.freeze([...group.members]),
    cached: members.length > 0 && members.every((m) => m.cached),
    ...(error === undefined ? {} : { error }),
    intervals: Object.freeze(mergeIntervals(members.flatMap((m) => m.intervals))),
    statuses: Object.freeze(members.flatMap((m) => m.statuses)),
    warnings: Object.freeze(members.flatMap((m) => m.warnings)),
    visible: group.revealed,
  });
}

/** Whether two states of a status show the same thing. */
export function sameStatus(a: StatusState, b: StatusState): boolean {
  return a.name === b.name && a.current === b.current && a.total === b.total && a.timestamp === b.timestamp &&
    a.started === b.started && a.completed === b.completed;
}

/** Whether two warnings are the same warning reported again. */
export function sameWarning(a: WarningState, b: WarningState): boolean {
  return a.level === b.level && a.short === b.short && a.url === b.url &&
    a.detail.length === b.detail.length && a.detail.every((d, i) => d === b.detail[i]);
}
