/**
 * The progress model: folds BuildKit's incremental status stream into one picture that every renderer
 * (plain, tty) and the error report read. Pure: no I/O, no clock.
 *
 * @module
 */

import {
  appendLog,
  decodeWarning,
  foldRun,
  GROUP_PREFIX,
  type GroupRecord,
  groupStepOf,
  newVertexRecord,
  nextStatus,
  sameWarning,
  snapshotOf,
  type VertexRecord,
  vertexStepOf,
} from "./_vertex_record.ts";
import { isCanceledError } from "./item_state.ts";
import { stepSignature, summarizeSteps } from "./_step_summary.ts";
import type {
  LogChunk,
  ProgressChange,
  ProgressModelOptions,
  ProgressSummary,
  StatusState,
  StepState,
  VertexState,
  WarningState,
} from "./model_types.ts";
import type { StatusResponse, Vertex, VertexLog, VertexStatus, VertexWarning } from "./status.ts";

export type { Interval } from "./intervals.ts";

/**
 * Folds `StatusResponse`s into vertices, steps, statuses, log tails and warnings.
 *
 * Updates may repeat or arrive out of order: a vertex's fields follow its latest run, a finished run is never
 * reopened by a stale re-send, and older status updates are ignored.
 *
 * @example Following a step
 * ```ts
 * import assert from "node:assert/strict";
 * import { ProgressModel } from "@drydock/core/progress";
 *
 * const model = new ProgressModel();
 * const at = (ms: number) => ({ seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 });
 * model.apply({ vertexes: [{ digest: "sha256:a", name: "[1/1] RUN make", started: at(1000) }] });
 * model.apply({ logs: [{ vertex: "sha256:a", timestamp: at(1200), stream: 1n, msg: new TextEncoder().encode("ok\n") }] });
 * model.apply({ vertexes: [{ digest: "sha256:a", name: "[1/1] RUN make", started: at(1000), completed: at(1500) }] });
 *
 * assert.deepEqual(model.vertex("sha256:a")?.intervals, [{ start: 1000, end: 1500 }]);
 * assert.deepEqual(model.lastLogLines("sha256:a", 5), ["ok"]);
 * assert.equal(model.summary().completed, 1);
 * ```
 */
export class ProgressModel {
  readonly #records = new Map<string, VertexRecord>();
  readonly #groups = new Map<string, GroupRecord>();
  /** Step keys in order of first appearance. */
  readonly #order: string[] = [];
  readonly #warnings: WarningState[] = [];
  readonly #steps = new Map<string, StepState>();
  readonly #logLines: number;

  /**
   * An empty model: nothing is known until the first {@linkcode ProgressModel.apply}.
   *
   * @param options How many log lines to keep per vertex.
   */
  constructor(options: ProgressModelOptions = {}) {
    this.#logLines = options.logLines ?? 100;
  }

  /**
   * Folds one update into the model and reports what it changed.
   *
   * @example Duplicates change nothing
   * ```ts
   * import assert from "node:assert/strict";
   * import { ProgressModel } from "@drydock/core/progress";
   *
   * const model = new ProgressModel();
   * const update = { vertexes: [{ digest: "sha256:a", name: "step", started: { seconds: 1n } }] };
   * assert.deepEqual(model.apply(update).steps, ["sha256:a"]);
   * assert.deepEqual(model.apply(update).steps, []);
   * ```
   */
  apply(status: StatusResponse): ProgressChange {
    const before = new Map<string, string>();
    const touched: string[] = [];
    for (const vertex of status.vertexes ?? []) {
      const digest = vertex.digest;
      if (!digest) continue;
      const group = vertex.progressGroup?.id;
      for (const key of group ? [this.stepKeyOf(digest), GROUP_PREFIX + group] : [this.stepKeyOf(digest)]) {
        if (!before.has(key)) before.set(key, stepSignature(this.step(key)));
      }
      this.#applyVertex(digest, vertex);
      touched.push(digest);
    }
    const steps: string[] = [];
    for (const digest of touched) {
      const key = this.stepKeyOf(digest);
      if (!steps.includes(key) && (before.get(key) ?? "") !== stepSignature(this.step(key))) steps.push(key);
    }

    const statuses: { step: string; status: StatusState }[] = [];
    for (const s of status.statuses ?? []) {
      const state = this.#applyStatus(s);
      if (state) statuses.push({ step: this.stepKeyOf(state.vertex), status: state });
    }
    const warnings: { step: string; warning: WarningState }[] = [];
    for (const w of status.warnings ?? []) {
      const warning = this.#applyWarning(w);
      if (warning) warnings.push({ step: this.stepKeyOf(warning.vertex), warning });
    }
    const logs: LogChunk[] = [];
    for (const l of status.logs ?? []) {
      const chunk = this.#applyLog(l);
      if (chunk) logs.push(chunk);
    }
    return { steps, statuses, logs, warnings };
  }

  /**
   * Announced vertices in order of first appearance.
   *
   * @example Listing vertices
   * ```ts
   * import assert from "node:assert/strict";
   * import { ProgressModel } from "@drydock/core/progress";
   *
   * const model = new ProgressModel();
   * model.apply({ vertexes: [{ digest: "sha256:b", name: "b" }, { digest: "sha256:a", name: "a" }] });
   * assert.deepEqual(model.vertices().map((v) => v.name), ["b", "a"]);
   * ```
   */
  vertices(): VertexState[] {
    return [...this.#records.values()].filter((r) => r.announced).map((r) => this.#snapshot(r));
  }

  /**
   * One vertex, including a placeholder for a digest seen only in statuses or logs so far.
   *
   * @example Looking up a vertex
   * ```ts
   * import assert from "node:assert/strict";
   * import { ProgressModel } from "@drydock/core/progress";
   *
   * const model = new ProgressModel();
   * model.apply({ vertexes: [{ digest: "sha256:a", name: "a", cached: true }] });
   * assert.equal(model.vertex("sha256:a")?.cached, true);
   * assert.equal(model.vertex("sha256:nope"), undefined);
   * ```
   */
  vertex(digest: string): VertexState | undefined {
    const record = this.#records.get(digest);
    return record && this.#snapshot(record);
  }

  /**
   * The key of the step that shows a vertex: its progress group's key, or its own digest.
   *
   * @example Group members share a step
   * ```ts
   * import assert from "node:assert/strict";
   * import { ProgressModel } from "@drydock/core/progress";
   *
   * const model = new ProgressModel();
   * model.apply({ vertexes: [{ digest: "sha256:a", progressGroup: { id: "pull", name: "pulling" } }] });
   * assert.equal(model.stepKeyOf("sha256:a"), "group:pull");
   * assert.equal(model.stepKeyOf("sha256:b"), "sha256:b");
   * ```
   */
  stepKeyOf(digest: string): string {
    const group = this.#records.get(digest)?.group;
    return group ? GROUP_PREFIX + group.id : digest;
  }

  /**
   * Visible steps in order of first appearance: ungrouped vertices and revealed progress groups.
   *
   * @example A group is one step
   * ```ts
   * import assert from "node:assert/strict";
   * import { ProgressModel } from "@drydock/core/progress";
   *
   * const model = new ProgressModel();
   * const group = { id: "g", name: "resolving" };
   * model.apply({
   *   vertexes: [
   *     { digest: "sha256:a", name: "a", started: { seconds: 1n }, progressGroup: group },
   *     { digest: "sha256:b", name: "b", started: { seconds: 1n }, progressGroup: group },
   *     { digest: "sha256:c", name: "c" },
   *   ],
   * });
   * assert.deepEqual(model.steps().map((s) => s.name), ["resolving", "c"]);
   * ```
   */
  steps(): StepState[] {
    const steps: StepState[] = [];
    for (const key of this.#order) {
      const step = this.step(key);
      if (step?.visible) steps.push(step);
    }
    return steps;
  }

  /**
   * One step by key, visible or not; `undefined` for unknown keys and for the digest of a grouped vertex.
   *
   * @example Reading a step
   * ```ts
   * import assert from "node:assert/strict";
   * import { ProgressModel } from "@drydock/core/progress";
   *
   * const model = new ProgressModel();
   * model.apply({ vertexes: [{ digest: "sha256:a", name: "a", error: "boom" }] });
   * assert.equal(model.step("sha256:a")?.error, "boom");
   * ```
   */
  step(key: string): StepState | undefined {
    const cached = this.#steps.get(key);
    if (cached) return cached;
    const step = key.startsWith(GROUP_PREFIX) ? this.#groupStep(key) : this.#vertexStep(key);
    if (step) this.#steps.set(key, step);
    return step;
  }

  /**
   * The last `n` log lines of a vertex, oldest first; an unterminated last line is included.
   *
   * @example Lines for an error report
   * ```ts
   * import assert from "node:assert/strict";
   * import { ProgressModel } from "@drydock/core/progress";
   *
   * const model = new ProgressModel();
   * const msg = new TextEncoder().encode("a\nb\nc\n");
   * model.apply({ logs: [{ vertex: "sha256:a", stream: 2n, msg }] });
   * assert.deepEqual(model.lastLogLines("sha256:a", 2), ["b", "c"]);
   * ```
   */
  lastLogLines(digest: string, n: number): string[] {
    return this.#records.get(digest)?.tail.last(n) ?? [];
  }

  /**
   * Every warning in order of arrival.
   *
   * @example Collecting warnings
   * ```ts
   * import assert from "node:assert/strict";
   * import { ProgressModel } from "@drydock/core/progress";
   *
   * const model = new ProgressModel();
   * const short = new TextEncoder().encode("FromAsCasing: mixed case");
   * model.apply({ warnings: [{ vertex: "sha256:a", level: 1n, short }] });
   * assert.equal(model.warnings()[0].short, "FromAsCasing: mixed case");
   * ```
   */
  warnings(): readonly WarningState[] {
    return [...this.#warnings];
  }

  /**
   * Vertices that failed with an error other than cancellation, in order of first appearance.
   *
   * @example Finding the failure
   * ```ts
   * import assert from "node:assert/strict";
   * import { ProgressModel } from "@drydock/core/progress";
   *
   * const model = new ProgressModel();
   * model.apply({
   *   vertexes: [
   *     { digest: "sha256:a", name: "a", error: "exit code: 1" },
   *     { digest: "sha256:b", name: "b", error: "context canceled" },
   *   ],
   * });
   * assert.deepEqual(model.failures().map((v) => v.name), ["a"]);
   * ```
   */
  failures(): VertexState[] {
    return this.vertices().filter((v) => v.error !== undefined && !isCanceledError(v.error));
  }

  /**
   * Counts and wall-clock duration over the visible steps.
   *
   * @example Summing up a build
   * ```ts
   * import assert from "node:assert/strict";
   * import { ProgressModel } from "@drydock/core/progress";
   *
   * const model = new ProgressModel();
   * model.apply({
   *   vertexes: [
   *     { digest: "sha256:a", name: "a", cached: true, started: { seconds: 10n }, completed: { seconds: 10n } },
   *     { digest: "sha256:b", name: "b", started: { seconds: 10n }, completed: { seconds: 12n } },
   *   ],
   * });
   * const { total, cached, completed, durationMs } = model.summary();
   * assert.deepEqual({ total, cached, completed, durationMs }, { total: 2, cached: 1, completed: 2, durationMs: 2000 });
   * ```
   */
  summary(now?: number): ProgressSummary {
    return summarizeSteps(this.steps(), now);
  }

  #record(digest: string): VertexRecord {
    let record = this.#records.get(digest);
    if (!record) {
      record = newVertexRecord(digest, this.#logLines);
      this.#records.set(digest, record);
      this.#order.push(digest);
    }
    return record;
  }

  #changed(record: VertexRecord): void {
    record.snapshot = undefined;
    this.#steps.delete(record.digest);
    if (record.group) this.#steps.delete(GROUP_PREFIX + record.group.id);
  }

  #applyVertex(digest: string, v: Vertex): void {
    const record = this.#record(digest);
    record.announced = true;
    if (v.progressGroup?.id && !record.group) this.#join(record, v.progressGroup.id, v);
    if (v.inputs?.length) record.inputs = [...v.inputs];

    foldRun(record, v);

    const group = record.group && this.#groups.get(record.group.id);
    if (group && !group.revealed) {
      group.revealed = (record.runs.size > 0 && !record.group!.weak) || record.error !== undefined;
    }
    this.#changed(record);
  }

  #join(record: VertexRecord, id: string, v: Vertex): void {
    const info = { id, name: v.progressGroup?.name ?? "", weak: v.progressGroup?.weak ?? false };
    record.group = info;
    let group = this.#groups.get(id);
    if (!group) {
      group = { info, members: [], revealed: false };
      this.#groups.set(id, group);
      this.#order.push(GROUP_PREFIX + id);
    }
    group.members.push(record.digest);
  }

  #applyStatus(s: VertexStatus): StatusState | undefined {
    if (!s.vertex) return undefined;
    const record = this.#record(s.vertex);
    const next = nextStatus(record, s);
    if (!next) return undefined;
    record.statuses.set(next.id, Object.freeze(next));
    this.#changed(record);
    return record.statuses.get(next.id);
  }

  #applyWarning(w: VertexWarning): WarningState | undefined {
    if (!w.vertex) return undefined;
    const record = this.#record(w.vertex);
    const warning = decodeWarning(w.vertex, w);
    if (record.warnings.some((known) => sameWarning(known, warning))) return undefined;
    record.warnings.push(warning);
    this.#warnings.push(warning);
    this.#changed(record);
    return warning;
  }

  #applyLog(l: VertexLog): LogChunk | undefined {
    if (!l.vertex || !l.msg?.length) return undefined;
    const record = this.#record(l.vertex);
    return appendLog(record, l, l.msg, this.stepKeyOf(l.vertex));
  }

  #snapshot(record: VertexRecord): VertexState {
    record.snapshot ??= snapshotOf(record);
    return record.snapshot;
  }

  #vertexStep(digest: string): StepState | undefined {
    const record = this.#records.get(digest);
    if (!record || record.group) return undefined;
    return vertexStepOf(this.#snapshot(record));
  }

  #groupStep(key: string): StepState | undefined {
    const group = this.#groups.get(key.slice(GROUP_PREFIX.length));
    if (!group) return undefined;
    const members = group.members.map((digest) => this.#snapshot(this.#records.get(digest)!));
    return groupStepOf(key, group, members);
  }
}
