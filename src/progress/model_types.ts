/**
 * What the progress model shows of a build: the frozen states of vertices, steps, statuses, warnings and logs
 * that renderers read.
 *
 * @module
 */

import type { Interval } from "./intervals.ts";
import type { WarningSource } from "./warning_source.ts";

/** The latest state of one sub-progress item. Times are milliseconds since the Unix epoch. */
export interface StatusState {
  /** Digest of the vertex it belongs to. */
  readonly vertex: string;
  /** The display key, e.g. `exporting layers` or `sha256:…` for a layer pull. */
  readonly id: string;
  readonly name: string;
  /** Bytes or items done; `total` is 0 when unknown. */
  readonly current: number;
  readonly total: number;
  readonly timestamp?: number;
  readonly started?: number;
  readonly completed?: number;
}

/** A warning reported for a vertex, with its bytes decoded as UTF-8. */
export interface WarningState {
  readonly vertex: string;
  readonly level: number;
  readonly short: string;
  readonly detail: readonly string[];
  readonly url?: string;
  /** The file and line it is about (a Dockerfile's build check), when the engine said. */
  readonly source?: WarningSource;
}

/** The progress group a vertex belongs to, as the vertex announced it. */
export interface GroupInfo {
  readonly id: string;
  readonly name: string;
  readonly weak: boolean;
}

/** What is known of one vertex. Snapshots are frozen and replaced, never changed, when updates arrive. */
export interface VertexState {
  readonly digest: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly cached: boolean;
  readonly error?: string;
  readonly group?: GroupInfo;
  /** Running time, merged and sorted; several entries when the vertex ran more than once. */
  readonly intervals: readonly Interval[];
  /** Sub-progress items in order of first appearance. */
  readonly statuses: readonly StatusState[];
  readonly warnings: readonly WarningState[];
  /** False for a placeholder made by a status or log that arrived before its vertex. */
  readonly announced: boolean;
}

/**
 * One line of a progress display: a vertex on its own, or a progress group standing for all its members.
 * A group is cached only if every member is, reports its first member error, and runs whenever a member runs.
 */
export interface StepState {
  /** The vertex digest, or `group:<id>` for a progress group. */
  readonly key: string;
  readonly kind: "vertex" | "group";
  readonly name: string;
  /** Digests of the vertices shown by this step. */
  readonly members: readonly string[];
  readonly cached: boolean;
  readonly error?: string;
  readonly intervals: readonly Interval[];
  readonly statuses: readonly StatusState[];
  readonly warnings: readonly WarningState[];
  /** False until a vertex has been announced, or until a group has a started non-weak (or failed) member. */
  readonly visible: boolean;
}

/** A piece of log output as it arrived, decoded; it need not start or end at a line boundary. */
export interface LogChunk {
  readonly step: string;
  readonly vertex: string;
  /** 1 is stdout, 2 is stderr. */
  readonly stream: number;
  readonly timestamp?: number;
  readonly text: string;
}

/** What one {@linkcode ProgressModel.apply} call changed; duplicates and stale updates are left out. */
export interface ProgressChange {
  /** Keys of steps whose name, cached flag, error, intervals or visibility changed. */
  readonly steps: readonly string[];
  readonly statuses: readonly { readonly step: string; readonly status: StatusState }[];
  readonly logs: readonly LogChunk[];
  readonly warnings: readonly { readonly step: string; readonly warning: WarningState }[];
}

/** Counts over the visible steps, for a final line or an error report. */
export interface ProgressSummary {
  readonly total: number;
  readonly completed: number;
  /** Completed without error and taken from the cache. */
  readonly cached: number;
  /** Failed with an error other than cancellation. */
  readonly errored: number;
  readonly canceled: number;
  /** Started and not yet completed. */
  readonly running: number;
  /** Wall-clock milliseconds from the first start to the last end (or `now` while steps still run). */
  readonly durationMs: number;
}

/** Options for {@linkcode ProgressModel}. */
export interface ProgressModelOptions {
  /**
   * How many finished log lines to keep per vertex.
   * @default {100}
   */
  logLines?: number;
}
