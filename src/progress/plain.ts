/**
 * The plain progress renderer: the line-oriented output of `buildx --progress=plain`, for logs and CI.
 *
 * @module
 */

import { ProgressModel } from "./model.ts";
import type { LogChunk, StepState } from "./model_types.ts";
import { isCompleted, isStarted, latestStart } from "./item_state.ts";
import type { StatusResponse } from "./status.ts";
import { holdsBack, nextOnScreen } from "./_plain_schedule.ts";
import {
  appendLogLines,
  completionLine,
  failureLines,
  lastEnd,
  newStepOutput,
  repeatDue,
  statusLine,
  type StepOutput,
} from "./_plain_step.ts";

/** Log lines kept per step for the failure summary. */
const ERROR_LOG_LINES = 10;

/** Options for {@linkcode PlainRenderer}. */
export interface PlainRendererOptions {
  /**
   * Clock in milliseconds. It only decides when to switch between steps that run at the same time, so tests can
   * pass a fixed clock; every printed time comes from the engine's timestamps.
   * @default {Date.now}
   */
  now?: () => number;
  /**
   * Whether `done()` ends with buildx's summary of each failed step: `------`, ` > <name>:`, its last log lines,
   * `------`.
   * @default {true}
   */
  errorLogs?: boolean;
  /**
   * The model to fold updates into, for sharing it with an error report.
   * @default {new ProgressModel()}
   */
  model?: ProgressModel;
  /**
   * Print at most once per this many milliseconds, as buildx does (100): updates arriving closer together are
   * printed together, by the next update allowed to print or by a refresh 150 ms after the last update. 0 prints
   * every update at once.
   * @default {0}
   */
  intervalMs?: number;
}

/** Milliseconds after the last update at which buildx refreshes a rate-limited display. */
const REFRESH_MS = 150;

/**
 * Prints build progress the way `buildx --progress=plain` does: numbered blocks (`#N <name>`), status lines,
 * timestamped log lines, and `DONE`/`CACHED`/`ERROR`/`CANCELED` when a step ends. When several steps run at once,
 * output stays with one step for a while and marks the switch with `#N ...`.
 *
 * Progress groups are shown as one step named after the group, standing for all its members.
 *
 * @example Rendering a step
 * ```ts
 * import assert from "node:assert/strict";
 * import { PlainRenderer } from "@drydock/core/progress";
 *
 * let out = "";
 * const renderer = new PlainRenderer((text) => out += text, { now: () => 0 });
 * const vertex = { digest: "sha256:a", name: "[1/1] RUN make" };
 * renderer.update({ vertexes: [{ ...vertex, started: { seconds: 1n } }] });
 * renderer.update({
 *   logs: [{ vertex: "sha256:a", timestamp: { seconds: 1n, nanos: 255e6 }, msg: new TextEncoder().encode("ok\n") }],
 * });
 * renderer.update({ vertexes: [{ ...vertex, started: { seconds: 1n }, completed: { seconds: 1n, nanos: 3e8 } }] });
 * renderer.done();
 * assert.equal(out, "#1 [1/1] RUN make\n#1 0.255 ok\n#1 DONE 0.3s\n");
 * ```
 */
export class PlainRenderer {
  /** The model this renderer folds updates into. */
  readonly model: ProgressModel;
  readonly #sink: (text: string) => void;
  readonly #now: () => number;
  readonly #errorLogs: boolean;
  readonly #outputs = new Map<string, StepOutput>();
  /** Steps with unprinted changes, in order of arrival. */
  readonly #pending = new Set<string>();
  /** The step whose block is open on screen. */
  #current: string | undefined;
  /** The step whose unterminated log line ends the output so far. */
  #midLine: string | undefined;
  #nextIndex = 0;
  #printedAny = false;
  #closed = false;
  readonly #intervalMs: number;
  #lastPrint = -Infinity;
  #refresh: ReturnType<typeof setTimeout> | undefined;
  #buffer: string[] = [];

  /**
   * A renderer that prints a step's lines as they come, as `--progress=plain` does.
   *
   * @param sink receives the output text, once per `update()` or `done()` that prints something
   * @param options Clock, print interval, whether failed steps' logs are repeated, and a model to share.
   */
  constructor(sink: (text: string) => void, options: PlainRendererOptions = {}) {
    this.#sink = sink;
    this.#now = options.now ?? Date.now;
    this.#errorLogs = options.errorLogs ?? true;
    this.model = options.model ?? new ProgressModel();
    this.#intervalMs = options.intervalMs ?? 0;
  }

  /**
   * Folds one status update into the model and prints what it changed.
   *
   * @example A cached step
   * ```ts
   * import assert from "node:assert/strict";
   * import { PlainRenderer } from "@drydock/core/progress";
   *
   * let out = "";
   * const renderer = new PlainRenderer((text) => out += text, { now: () => 0 });
   * const at = { seconds: 5n };
   * renderer.update({ vertexes: [{ digest: "sha256:a", name: "[1/2] FROM alpine", cached: true, started: at, completed: at }] });
   * assert.equal(out, "#1 [1/2] FROM alpine\n#1 CACHED\n");
   * ```
   */
  update(status: StatusResponse): void {
    const change = this.model.apply(status);
    if (this.#closed) return;
    const now = this.#now();
    for (const key of change.steps) {
      const step = this.model.step(key);
      if (step?.visible && isStarted(step)) this.#touch(key, now);
    }
    for (const { step, status } of change.statuses) {
      const out = this.#output(step);
      if (status.started !== undefined && !out.statusOrder.includes(status.id)) {
        out.statusOrder.push(status.id);
      }
      out.statuses.set(status.id, status);
      out.dirty.add(status.id);
      this.#touch(step, now);
    }
    for (const { step, warning } of change.warnings) {
      this.#output(step).warnings.push(warning);
      this.#touch(step, now);
    }
    for (const chunk of change.logs) {
      this.#addLog(chunk);
      this.#touch(chunk.step, now);
    }
    if (this.#intervalMs > 0) {
      this.#scheduleRefresh();
      if (now - this.#lastPrint < this.#intervalMs) return;
      this.#lastPrint = now;
    }
    this.#flush(now);
    this.#emit();
  }

  /** Like buildx's ticker: print what waits once updates pause, and keep refreshing while steps run. */
  #scheduleRefresh(): void {
    if (this.#refresh !== undefined) clearTimeout(this.#refresh);
    this.#refresh = setTimeout(() => {
      this.#refresh = undefined;
      if (this.#closed) return;
      this.#flush(this.#now());
      this.#emit();
      if (this.model.summary().running > 0) this.#scheduleRefresh();
    }, REFRESH_MS);
    (this.#refresh as { unref?: () => void }).unref?.();
  }

  /**
   * Prints a message between whole lines of progress.
   *
   * @example
   * ```ts
   * import { PlainRenderer } from "@drydock/core/progress";
   * new PlainRenderer((text) => void text).print("Interrupted\n");
   * ```
   */
  print(text: string): void {
    this.#endLine();
    this.#write(text);
    this.#emit();
  }

  /**
   * Prints everything still pending, ends an unterminated line, and adds the failure summary. Later calls to
   * `update()` only feed the model.
   *
   * @example A failed step
   * ```ts
   * import assert from "node:assert/strict";
   * import { PlainRenderer } from "@drydock/core/progress";
   *
   * let out = "";
   * const renderer = new PlainRenderer((text) => out += text, { now: () => 0 });
   * const vertex = { digest: "sha256:a", name: "[2/2] RUN false", started: { seconds: 1n } };
   * renderer.update({ vertexes: [vertex] });
   * renderer.update({ vertexes: [{ ...vertex, completed: { seconds: 2n }, error: "exit code: 1" }] });
   * renderer.done();
   * assert.equal(out, "#1 [2/2] RUN false\n#1 ERROR: exit code: 1\n------\n > [2/2] RUN false:\n------\n");
   * ```
   */
  done(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#refresh !== undefined) clearTimeout(this.#refresh);
    this.#flush(this.#now());
    // Output that lost the race for the screen is shown now rather than dropped.
    for (const step of this.model.steps()) {
      if (this.#pending.has(step.key)) this.#print(step.key);
    }
    this.#endLine();
    if (this.#errorLogs) this.#printFailures();
    this.#emit();
  }

  #output(key: string): StepOutput {
    let out = this.#outputs.get(key);
    if (!out) {
      out = newStepOutput();
      this.#outputs.set(key, out);
    }
    return out;
  }

  #touch(key: string, now: number): void {
    const out = this.#output(key);
    if (out.count === 0) out.blockStart = now;
    out.count++;
    this.#pending.add(key);
  }

  #addLog(chunk: LogChunk): void {
    const out = this.#output(chunk.step);
    const step = this.model.step(chunk.step);
    const start = step && latestStart(step);
    const seconds = start === undefined || chunk.timestamp === undefined
      ? 0
      : (chunk.timestamp - start) / 1000;
    appendLogLines(out, chunk.text, seconds);
  }

  /** Decides which pending steps to print now, following buildx's printer. */
  #flush(now: number): void {
    const steps = this.model.steps();
    const completed: StepState[] = [];
    const rest: StepState[] = [];
    for (const step of steps) {
      if (!this.#pending.has(step.key) || this.#holds(step, now)) continue;
      (isCompleted(step) ? completed : rest).push(step);
    }
    // Decisions below use the step that was current when the flush began, as buildx does.
    const current = this.#current;
    const currentDone = completed.some((s) => s.key === current);

    // Finished steps print first, the open block's own ending before the others.
    if (currentDone) this.#print(current!);
    completed.sort((a, b) => lastEnd(a) - lastEnd(b));
    for (const step of completed) if (step.key !== current) this.#print(step.key);

    if (rest.length === 0) {
      const open = current === undefined ? undefined : this.model.step(current);
      if (open && isStarted(open) && !isCompleted(open)) return;
      // Give the screen to a running step so its header shows while it works silently.
      const running = steps.find((s) => isStarted(s) && !isCompleted(s));
      if (running) this.#print(running.key);
      return;
    }

    if (rest.some((s) => s.key === current)) this.#print(current!);

    const next = nextOnScreen(steps, rest, current, currentDone, (key) => this.#output(key), now);
    if (next !== undefined) this.#print(next);
  }

  #holds(step: StepState, now: number): boolean {
    const out = this.#output(step.key);
    return holdsBack(step, out, this.#hasNews(out), () => this.model.vertices(), now);
  }

  #hasNews(out: StepOutput): boolean {
    return out.dirty.size > 0 || out.warnings.length > out.warned ||
      out.lines.length > (out.offset > 0 ? 1 : 0);
  }

  /** Prints a step's pending output, opening its block first if another step had the screen. */
  #print(key: string): void {
    const step = this.model.step(key);
    if (!step) return;
    const out = this.#output(key);
    // A finished step run again (a source's second completion, a cached recheck) shows only what is new.
    if (out.finished && !this.#hasNews(out)) {
      this.#pending.delete(key);
      return;
    }
    out.finished = false;
    if (out.index === 0) out.index = ++this.#nextIndex;

    if (key !== this.#current) {
      if (this.#current !== undefined) {
        const old = this.#output(this.#current);
        old.count = 0;
        this.#line(`#${old.index} ...`);
      }
      if (this.#printedAny) this.#line("");
      this.#printedAny = true;
      this.#line(`#${out.index} ${step.name}`);
    }

    // A status still running keeps the block open, so its completion is reported later.
    let openStatus = false;
    for (const id of out.statusOrder) {
      if (!out.dirty.has(id)) continue;
      const status = out.statuses.get(id)!;
      const last = out.shown.get(id);
      if (last && !repeatDue(status, last)) continue;
      out.shown.set(id, { current: status.current, timestamp: status.timestamp });
      if (status.completed === undefined) openStatus = true;
      this.#line(`#${out.index} ${statusLine(status)}`);
    }
    out.dirty.clear();

    for (const warning of out.warnings.slice(out.warned)) this.#line(`#${out.index} WARN: ${warning.short}`);
    out.warned = out.warnings.length;

    this.#printLogs(key, out);

    this.#current = key;
    if (isCompleted(step) && !openStatus) {
      this.#current = undefined;
      out.count = 0;
      out.finished = true;
      this.#line(`#${out.index} ${completionLine(step)}`);
    }
    this.#pending.delete(key);
  }

  #printLogs(key: string, out: StepOutput): void {
    out.lines.forEach((line, i) => {
      // Only a line this step left unterminated on screen can be continued in place.
      if (i === 0 && out.offset > 0 && this.#midLine === key) this.#write(line.slice(out.offset));
      else {
        this.#endLine();
        this.#write(`#${out.index} ${line}`);
      }
      if (i === out.lines.length - 1 && out.partial) {
        this.#midLine = key;
      } else {
        this.#write("\n");
        this.#midLine = undefined;
        out.recent.push(line);
        if (out.recent.length > ERROR_LOG_LINES) out.recent.shift();
      }
    });
    const last = out.lines[out.lines.length - 1];
    if (out.partial && last !== undefined) {
      out.lines = [last];
      out.offset = last.length;
    } else {
      out.lines = [];
      out.offset = 0;
    }
  }

  #printFailures(): void {
    for (const line of failureLines(this.#outputs, (key) => this.model.step(key))) this.#line(line);
  }

  /** Writes a whole line, first ending any log line left unterminated. */
  #line(text: string): void {
    this.#endLine();
    this.#write(text + "\n");
  }

  /** Ends an unterminated log line; that line is printed again in full if it continues later. */
  #endLine(): void {
    if (this.#midLine === undefined) return;
    this.#write("\n");
    this.#output(this.#midLine).offset = 0;
    this.#midLine = undefined;
  }

  #write(text: string): void {
    this.#buffer.push(text);
  }

  #emit(): void {
    if (this.#buffer.length === 0) return;
    const text = this.#buffer.join("");
    this.#buffer = [];
    this.#sink(text);
  }
}
