/**
 * The live TTY progress view: running steps with timers and their last log lines, transfers with bars and
 * rates, finished steps scrolled away above (cached ones collapsed), and a summary at the end.
 *
 * @module
 */

import { displayWidth } from "./text.ts";
import { ANSI_PALETTE, buildFrame, PLAIN_PALETTE } from "./_tty_frame.ts";
import { ProgressModel } from "./model.ts";
import { type StatusResponse, timestampMillis } from "./status.ts";
import { formatSummary } from "./summary.ts";

/**
 * The terminal the view draws on: a TTY write stream such as `process.stderr`, or any object with `write`.
 *
 * @example A fixed-size terminal that keeps what is drawn
 * ```ts
 * import { type TerminalOutput, TtyRenderer } from "@drydock/core/progress";
 * let screen = "";
 * const out: TerminalOutput = { columns: 80, rows: 24, write: (text) => screen += text };
 * const renderer = new TtyRenderer(out, { frameMs: 0, color: false });
 * renderer.update({ vertexes: [{ digest: "sha256:a", name: "RUN make", started: { seconds: 1n } }] });
 * renderer.done();
 * screen.includes("RUN make"); // true
 * ```
 */
export interface TerminalOutput {
  /** Writes text (with ANSI escapes) to the terminal. */
  write(text: string): unknown;
  /** Read again before every frame, so a resize is noticed even where no event reports it. */
  readonly columns?: number;
  /** Height in rows; the live view is kept shorter than this. */
  readonly rows?: number;
  /** Subscribes to resizes, to redraw at once. */
  on?(event: "resize", listener: () => void): unknown;
  /** Unsubscribes, when the renderer is done. */
  off?(event: "resize", listener: () => void): unknown;
  /**
   * Asks the terminal for its size now. `columns`/`rows` change only once the program has handled the resize
   * signal; a frame drawn in between would count wrapped rows wrongly, so a live query is used when there is one.
   */
  size?(): { readonly columns: number; readonly rows: number } | undefined;
}

/** Options for {@linkcode TtyRenderer}. */
export interface TtyRendererOptions {
  /**
   * Clock in milliseconds, for timers.
   * @default {Date.now}
   */
  now?: () => number;
  /**
   * Milliseconds between frames; updates in between are drawn together. 0 draws only on `flush()` and `done()`.
   * @default {100}
   */
  frameMs?: number;
  /**
   * Log lines shown under each running step.
   * @default {5}
   */
  logLines?: number;
  /**
   * Whether to colour the output.
   * @default {true}
   */
  color?: boolean;
  /**
   * The model to fold updates into, for sharing it with an error report.
   * @default {new ProgressModel()}
   */
  model?: ProgressModel;
}

/** What the caller adds to the final summary. */
export interface FinalReport {
  /** One line per exported output, e.g. `app: image web:dev`. */
  readonly outputs?: readonly string[];
  /** The build failed (the summary says so even when no step failed). */
  readonly failed?: boolean;
}

// Synchronized output (DEC mode 2026): the terminal shows the frame only once it is complete.
const SYNC_BEGIN = "\x1b[?2026h";
const SYNC_END = "\x1b[?2026l";
const HIDE_CURSOR = "\x1b[?25l";
const SHOW_CURSOR = "\x1b[?25h";
const CLEAR_TO_EOL = "\x1b[K";
const CLEAR_BELOW = "\x1b[J";
/** Clock differences below this are noise (a step announced a little before we heard of it), not skew. */
const SKEW_MS = 1000;
// deno-lint-ignore no-control-regex -- terminal escape sequences are the point
const SGR = /\x1b\[[0-9;]*m/g;

/**
 * Draws build progress in place on a terminal. Each frame is one write: move the cursor back to the top of the
 * live view, print rows of finished steps once (they scroll away), redraw the live view row by row clearing each
 * line's rest, and clear below; wrapped in synchronized-output marks so it never flickers or tears. Rows are cut
 * to the terminal's width, so no row wraps, and after a resize the view is redrawn from where its old rows now
 * start.
 *
 * @example Driving it by hand
 * ```ts
 * import assert from "node:assert/strict";
 * import { TtyRenderer } from "@drydock/core/progress";
 *
 * let screen = "";
 * const out = { columns: 60, rows: 20, write: (text: string) => screen += text };
 * const renderer = new TtyRenderer(out, { frameMs: 0, color: false, now: () => 2000 });
 * renderer.update({ vertexes: [{ digest: "sha256:a", name: "[app 1/1] RUN make", started: { seconds: 1n } }] });
 * renderer.flush();
 * assert.match(screen, /\[app 1\/1\] RUN make +1\.0s/);
 * renderer.done();
 * ```
 */
export class TtyRenderer {
  /** The model this renderer folds updates into. */
  readonly model: ProgressModel;
  readonly #out: TerminalOutput;
  readonly #now: () => number;
  readonly #logLines: number;
  readonly #palette;
  readonly #finished = new Map<string, number>();
  readonly #timer: ReturnType<typeof setInterval> | undefined;
  readonly #onResize = () => this.#redrawAfterResize();
  #startedAt: number | undefined;
  /** Our clock minus the engine's, when they differ by more than {@linkcode SKEW_MS}. */
  #engineOffset: number | undefined;
  /** Display widths of the live rows on screen, and the width they were drawn for. */
  #liveWidths: number[] = [];
  #drawnColumns = 0;
  #lastFrame = "";
  /** Lines handed to `print()`, shown above the live view with the next frame. */
  #printed: string[] = [];
  #dirty = false;
  #closed = false;
  #drawing = false;

  /**
   * Starts drawing on `out` every `frameMs` until {@linkcode TtyRenderer.done}.
   *
   * @param out The terminal, e.g. `process.stderr`.
   * @param options Clock, frame rate, colors, log lines per step, and a model to share.
   */
  constructor(out: TerminalOutput, options: TtyRendererOptions = {}) {
    this.#out = out;
    this.#now = options.now ?? Date.now;
    this.#logLines = options.logLines ?? 5;
    this.#palette = options.color === false ? PLAIN_PALETTE : ANSI_PALETTE;
    this.model = options.model ?? new ProgressModel();
    const frameMs = options.frameMs ?? 100;
    if (frameMs > 0) {
      this.#timer = setInterval(() => this.#tick(), frameMs);
      // Deno's and Node's timers can be unref'd so the view never keeps a finished program alive.
      (this.#timer as { unref?: () => void }).unref?.();
    }
    out.on?.("resize", this.#onResize);
  }

  /**
   * Folds one update into the model; it is drawn with the next frame.
   *
   * @example
   * ```ts
   * import { TtyRenderer } from "@drydock/core/progress";
   * const renderer = new TtyRenderer({ write: () => {} }, { frameMs: 0 });
   * renderer.update({ vertexes: [{ digest: "sha256:a", name: "step" }] });
   * renderer.done();
   * ```
   */
  update(status: StatusResponse): void {
    this.model.apply(status);
    const now = this.#now();
    this.#startedAt ??= now;
    if (this.#engineOffset === undefined) {
      const started = status.vertexes?.map((v) => timestampMillis(v.started)).find((t) => t !== undefined);
      // A remote engine's clock may be off from ours; timers count in the engine's time, as buildx does.
      if (started !== undefined) this.#engineOffset = Math.abs(now - started) > SKEW_MS ? now - started : 0;
    }
    this.#dirty = true;
  }

  /**
   * Draws a frame now.
   *
   * @example
   * ```ts
   * import { TtyRenderer } from "@drydock/core/progress";
   * const renderer = new TtyRenderer({ write: (t: string) => void t, columns: 80 }, { frameMs: 0 });
   * renderer.flush();
   * renderer.done();
   * ```
   */
  flush(): void {
    if (this.#closed) return;
    this.#draw(false, undefined);
  }

  /**
   * Draws the last frame: every step left in the scrollback, the live view replaced by a summary, the cursor
   * shown again. Later updates only feed the model.
   *
   * @example
   * ```ts
   * import { TtyRenderer } from "@drydock/core/progress";
   * const renderer = new TtyRenderer({ write: (t: string) => void t }, { frameMs: 0 });
   * renderer.done({ outputs: ["app: image app:dev"] });
   * ```
   */
  done(final: FinalReport = {}): void {
    if (this.#closed) return;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#out.off?.("resize", this.#onResize);
    this.#draw(true, final);
    this.#closed = true;
  }

  /**
   * Prints text above the live view (e.g. a message from the program), so it does not break the view's
   * redrawing. After `done()` it is written as it is.
   *
   * @example
   * ```ts
   * import { TtyRenderer } from "@drydock/core/progress";
   * const renderer = new TtyRenderer({ write: (t: string) => void t }, { frameMs: 0 });
   * renderer.print("Interrupted: cancelling the build\n");
   * renderer.done();
   * ```
   */
  print(text: string): void {
    if (this.#closed) {
      this.#out.write(text);
      return;
    }
    this.#printed.push(...text.replace(/\n$/, "").split("\n"));
    this.#draw(false, undefined);
  }

  #tick(): void {
    if (this.#closed) return;
    // Timers move while steps run, so a frame is due even without updates.
    const running = this.#dirty || this.model.summary().running > 0;
    const columns = this.#out.size?.()?.columns ?? this.#out.columns;
    if (running || columns !== this.#drawnColumns) this.#draw(false, undefined);
  }

  #redrawAfterResize(): void {
    if (!this.#closed) this.#draw(false, undefined);
  }

  #draw(final: boolean, report: FinalReport | undefined): void {
    // Asking for the size may report a resize, which draws; that frame is the one wanted.
    if (this.#drawing) return;
    this.#drawing = true;
    try {
      this.#drawFrame(final, report);
    } finally {
      this.#drawing = false;
    }
  }

  #drawFrame(final: boolean, report: FinalReport | undefined): void {
    const size = this.#out.size?.();
    const columns = Math.max(20, size?.columns ?? this.#out.columns ?? 80);
    const rows = Math.max(3, size?.rows ?? this.#out.rows ?? 24);
    const now = this.#now();
    const offset = this.#engineOffset ?? 0;
    // Finished rows scroll away, so they may be as wide as the screen minus one column (no pending wrap).
    const width = columns - 1;
    const frame = buildFrame(this.model, this.#finished, {
      now: now - offset,
      columns: width,
      rows: rows - 1,
      logLines: this.#logLines,
      palette: this.#palette,
      startedAt: (this.#startedAt ?? now) - offset,
      final,
    });
    let live = frame.live;
    if (final) {
      // A build that never got to a step (e.g. no engine) has nothing to sum up.
      live = this.model.steps().length === 0 ? [] : formatSummary(this.model, {
        totalMs: now - (this.#startedAt ?? now),
        outputs: report?.outputs,
        failed: report?.failed,
        columns: width,
      });
    }
    const above = [...this.#printed, ...frame.committed];
    this.#printed = [];
    const body = [...above, ...live].map((row) => row + CLEAR_TO_EOL + "\n").join("");
    if (!final && above.length === 0 && body === this.#lastFrame && columns === this.#drawnColumns) return;
    this.#lastFrame = body;
    const up = this.#occupiedRows(columns);
    let text = SYNC_BEGIN + (this.#drawnColumns === 0 ? HIDE_CURSOR : "");
    if (up > 0) text += `\r\x1b[${up}A`;
    text += body + CLEAR_BELOW;
    if (final) text += SHOW_CURSOR;
    text += SYNC_END;
    this.#out.write(text);
    this.#liveWidths = final ? [] : live.map((row) => displayWidth(row.replace(SGR, "")));
    this.#drawnColumns = columns;
    this.#dirty = false;
  }

  /** Rows the live view takes now: a row drawn wider than the current width has wrapped onto more. */
  #occupiedRows(columns: number): number {
    return this.#liveWidths.reduce((n, w) => n + Math.max(1, Math.ceil(w / columns)), 0);
  }
}
