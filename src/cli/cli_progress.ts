/**
 * Progress for one run of the CLI: picks the mode, draws on stderr, and at the end either sums the build up
 * or reports its failure with the failed step's logs and build.ts code frame. The CLI needs only these calls,
 * so the way it is wired stays small.
 *
 * @module
 */
import { ProgressModel } from "../progress/model.ts";
import {
  chooseProgressMode,
  createRenderer,
  type ProgressMode,
  type ProgressRenderer,
} from "../progress/renderer.ts";
import type { StatusResponse } from "../progress/status.ts";
import { formatError } from "./report.ts";
import { warningsFound } from "../progress/warning_source.ts";
import type { TerminalOutput } from "../progress/tty.ts";

/** Where the CLI's progress goes and what decides its mode: the build environment's stderr and variables. */
export interface CliProgressOptions {
  out: TerminalOutput;
  isTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** The working directory: error reports show build.ts paths relative to it. @default absolute paths */
  cwd?: string;
  /** Clock for the result line. @default {Date.now} */
  now?: () => number;
}

/**
 * The progress of one CLI run.
 *
 * @example
 * ```ts
 * import { CliProgress } from "./cli_progress.ts";
 * const progress = new CliProgress("plain", { out: { write: (t: string) => void t }, isTTY: false, env: {} });
 * progress.update({ vertexes: [{ digest: "sha256:a", name: "RUN x", started: { seconds: 1n } }] });
 * progress.succeeded(["app: built"]);
 * ```
 */
export class CliProgress {
  /** The resolved mode: `auto` became `tty` or `plain`. */
  readonly mode: Exclude<ProgressMode, "auto">;
  readonly model = new ProgressModel();
  readonly #renderer: ProgressRenderer;
  readonly #out: TerminalOutput;
  readonly #color: boolean;
  readonly #cwd: string | undefined;
  readonly #now: () => number;
  readonly #started: number;
  #liveViewEnded = false;

  constructor(requested: ProgressMode, options: CliProgressOptions) {
    const env = options.env;
    this.#out = options.out;
    this.#cwd = options.cwd;
    this.mode = chooseProgressMode(requested, { isTTY: options.isTTY, env });
    this.#color = this.mode === "tty" && !env.NO_COLOR;
    this.#renderer = createRenderer(this.mode, this.#out, { model: this.model, color: this.#color });
    this.#now = options.now ?? Date.now;
    this.#started = this.#now();
  }

  /**
   * Shows one status update (pass it as `onStatus`).
   *
   * @example
   * ```ts
   * import { CliProgress } from "./cli_progress.ts";
   * new CliProgress("quiet", { out: { write: (t: string) => void t }, isTTY: false, env: {} }).update({});
   * ```
   */
  update(status: StatusResponse): void {
    this.#renderer.update(status);
  }

  /**
   * Prints a message (e.g. the Ctrl-C notice) without breaking the live view.
   *
   * @example
   * ```ts
   * import { CliProgress } from "./cli_progress.ts";
   * new CliProgress("plain", { out: { write: (t: string) => void t }, isTTY: false, env: {} }).print("Interrupted\n");
   * ```
   */
  print(text: string): void {
    this.#renderer.print(text);
  }

  /**
   * Ends the progress of a build that worked, listing its outputs: in the live view's summary, otherwise as
   * lines followed by `Built N target(s) in Xs`.
   *
   * @example
   * ```ts
   * import { CliProgress } from "./cli_progress.ts";
   * new CliProgress("plain", { out: { write: (t: string) => void t }, isTTY: false, env: {} }).succeeded(["app: image app:dev"]);
   * ```
   */
  succeeded(outputs: readonly string[], targets = 1): void {
    if (this.mode === "tty" && !this.#liveViewEnded) {
      this.#renderer.done({ outputs });
      return;
    }
    this.#renderer.done();
    const seconds = ((this.#now() - this.#started) / 1000).toFixed(1);
    // As buildx after plain progress: the build's warnings (Dockerfile checks ...) once more, at the end.
    if (this.mode === "plain") this.#out.write(warningsFound(this.model.warnings()));
    this.#out.write(outputs.map((o) => o + "\n").join("") + `Built ${targets} target(s) in ${seconds}s\n`);
  }

  /**
   * Ends the progress of a build that failed, and returns the error report to print (the failed step, its last
   * log lines and the build.ts code frame); `undefined` for `undefined` (e.g. a cancelled build says so itself).
   *
   * @example
   * ```ts
   * import { CliProgress } from "./cli_progress.ts";
   * const report = new CliProgress("quiet", { out: { write: (t: string) => void t }, isTTY: false, env: {} }).failed(new Error("boom")); // "error: boom\n..."
   * ```
   */
  failed(err: unknown): string | undefined {
    this.#renderer.done({ failed: true });
    return err === undefined
      ? undefined
      : formatError(err, { model: this.model, color: this.#color, cwd: this.#cwd });
  }

  /**
   * Ends the live view early, for a program that takes the terminal over (a shell); later updates are
   * printed as they come and the summary as lines.
   *
   * @example
   * ```ts
   * import { CliProgress } from "./cli_progress.ts";
   * new CliProgress("quiet", { out: { write: (t: string) => void t }, isTTY: false, env: {} }).endLiveView();
   * ```
   */
  endLiveView(): void {
    this.#liveViewEnded = true;
    this.#renderer.done();
  }

  /**
   * Ends the progress when the program must exit at once (a second Ctrl-C), giving the terminal its cursor back.
   *
   * @example
   * ```ts
   * import { CliProgress } from "./cli_progress.ts";
   * new CliProgress("quiet", { out: { write: (t: string) => void t }, isTTY: false, env: {} }).abandon();
   * ```
   */
  abandon(): void {
    this.#renderer.done({ failed: true });
  }
}
