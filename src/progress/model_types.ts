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
  /** What it is doing, e.g. `extracting` or `transferring context`. */
  readonly name: string;
  /** Bytes or items done; `total` is 0 when unknown. */
  readonly current: number;
  /** Bytes or items in all; 0 when unknown. */
  readonly total: number;
  /** When the engine last reported it. */
  readonly timestamp?: number;
  /** When it started. */
  readonly started?: number;
  /** When it finished; absent while it runs. */
  readonly completed?: number;
}

/** A warning reported for a vertex, with its bytes decoded as UTF-8. */
export interface WarningState {
  /** Digest of the vertex it was reported for. */
  readonly vertex: string;
  /** Severity, as the engine sent it. */
  readonly level: number;
  /** One-line description. */
  readonly short: string;
  /** Longer explanation, one paragraph per entry. */
  readonly detail: readonly string[];
  /** A page explaining the warning, when there is one. */
  readonly url?: string;
  /** The file and line it is about (a Dockerfile's build check), when the engine said. */
  readonly source?: WarningSource;
}

/** The progress group a vertex belongs to, as the vertex announced it. */
export interface GroupInfo {
  /** Vertices with the same id belong to the same group. */
  readonly id: string;
  /** The group's display name, e.g. `[internal] load build context`. */
  readonly name: string;
  /** A weak member does not on its own make the group show or count as started. */
  readonly weak: boolean;
}

/** What is known of one vertex. Snapshots are frozen and replaced, never changed, when updates arrive. */
export interface VertexState {
  /** The vertex's digest: its key in the model. */
  readonly digest: string;
  /** Its display name, e.g. `[app 2/3] RUN make`. */
  readonly name: string;
  /** Digests of the vertices it depends on. */
  readonly inputs: readonly string[];
  /** Whether its result came from the cache. */
  readonly cached: boolean;
  /** The engine's error message, when it failed. */
  readonly error?: string;
  /** The progress group it belongs to, if any. */
  readonly group?: GroupInfo;
  /** Running time, merged and sorted; several entries when the vertex ran more than once. */
  readonly intervals: readonly Interval[];
  /** Sub-progress items in order of first appearance. */
  readonly statuses: readonly StatusState[];
  /** Warnings reported for it, in order. */
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
  /** Whether it stands for one vertex or a progress group. */
  readonly kind: "vertex" | "group";
  /** The display name: the vertex's or the group's. */
  readonly name: string;
  /** Digests of the vertices shown by this step. */
  readonly members: readonly string[];
  /** Whether its result came from the cache (for a group: every member's). */
  readonly cached: boolean;
  /** The (first member's) error message, when it failed. */
  readonly error?: string;
  /** Running time, merged and sorted (for a group: over its members). */
  readonly intervals: readonly Interval[];
  /** Sub-progress items of its members in order of first appearance. */
  readonly statuses: readonly StatusState[];
  /** Warnings reported for its members, in order. */
  readonly warnings: readonly WarningState[];
  /** False until a vertex has been announced, or until a group has a started non-weak (or failed) member. */
  readonly visible: boolean;
}

/** A piece of log output as it arrived, decoded; it need not start or end at a line boundary. */
export interface LogChunk {
  /** Key of the step that shows it. */
  readonly step: string;
  /** Digest of the vertex that wrote it. */
  readonly vertex: string;
  /** 1 is stdout, 2 is stderr. */
  readonly stream: number;
  /** When the engine received it. */
  readonly timestamp?: number;
  /** The bytes, decoded as UTF-8. */
  readonly text: string;
}

/** What one {@linkcode ProgressModel.apply} call changed; duplicates and stale updates are left out. */
export interface ProgressChange {
  /** Keys of steps whose name, cached flag, error, intervals or visibility changed. */
  readonly steps: readonly string[];
  /** Sub-progress items that changed, with the key of the step that shows each. */
  readonly statuses: readonly { readonly step: string; readonly status: StatusState }[];
  /** Log output that arrived. */
  readonly logs: readonly LogChunk[];
  /** Warnings that arrived, with the key of the step that shows each. */
  readonly warnings: readonly { readonly step: string; readonly warning: WarningState }[];
}

/** Counts over the visible steps, for a final line or an error report. */
export interface ProgressSummary {
  /** Visible steps. */
  readonly total: number;
  /** Steps that finished, with or without error. */
  readonly completed: number;
  /** Completed without error and taken from the cache. */
  readonly cached: number;
  /** Failed with an error other than cancellation. */
  readonly errored: number;
  /** Stopped by cancellation (an interrupted build, or a sibling's failure). */
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
