/**
 * Choosing and making a progress renderer: `auto`, `tty`, `plain`, `rawjson` or `quiet`, as buildx names them.
 *
 * @module
 */

import type { ProgressModel } from "./model.ts";
import { PlainRenderer } from "./plain.ts";
import { QuietRenderer } from "./quiet.ts";
import { RawJsonRenderer } from "./rawjson.ts";
import type { StatusResponse } from "./status.ts";
import { type FinalReport, type TerminalOutput, TtyRenderer } from "./tty.ts";

/**
 * What every renderer does: fold updates into its model, print them its way, and finish.
 *
 * @example Any mode behind one interface
 * ```ts
 * import { createRenderer, type ProgressRenderer } from "@drydock/core/progress";
 * let text = "";
 * const renderer: ProgressRenderer = createRenderer("quiet", { write: (t: string) => text += t });
 * renderer.update({ vertexes: [{ digest: "sha256:a", name: "RUN true", started: { seconds: 1n } }] });
 * renderer.print("note: using a cached base\n");
 * renderer.done();
 * renderer.model.steps().length; // 1
 * ```
 */
export interface ProgressRenderer {
  /** The model this renderer folds updates into. */
  readonly model: ProgressModel;
  /** Folds one status update into the model and shows what changed. */
  update(status: StatusResponse): void;
  /** Finishes the display: stops its timer and prints the summary with `final`'s outputs. */
  done(final?: FinalReport): void;
  /** Prints a message without breaking the progress display (above the live view on a terminal). */
  print(text: string): void;
}

/** The progress modes a user can ask for; `auto` picks `tty` or `plain`. */
export const PROGRESS_MODES = ["auto", "tty", "plain", "rawjson", "quiet"] as const;

/** One of {@linkcode PROGRESS_MODES}. */
export type ProgressMode = typeof PROGRESS_MODES[number];

/** What `auto` looks at. */
export interface TerminalFacts {
  /** Whether the progress stream (stderr) is a terminal. */
  readonly isTTY: boolean;
  /** The environment; `CI` set to anything but `""`, `0` or `false` means a CI run; `TERM=dumb` cannot redraw. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * Resolves `auto`: the live view when stderr is a terminal that can redraw and this is not a CI run, plain
 * otherwise. Other modes are kept, except that `tty` on a non-terminal falls back to plain, as buildx does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chooseProgressMode } from "@drydock/core/progress";
 *
 * assert.equal(chooseProgressMode("auto", { isTTY: true, env: {} }), "tty");
 * assert.equal(chooseProgressMode("auto", { isTTY: true, env: { CI: "true" } }), "plain");
 * assert.equal(chooseProgressMode("auto", { isTTY: false, env: {} }), "plain");
 * assert.equal(chooseProgressMode("rawjson", { isTTY: true, env: {} }), "rawjson");
 * ```
 */
export function chooseProgressMode(
  requested: ProgressMode,
  facts: TerminalFacts,
): Exclude<ProgressMode, "auto"> {
  const ci = facts.env.CI;
  const inCi = ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
  const canRedraw = facts.isTTY && facts.env.TERM !== "dumb";
  if (requested === "auto") return canRedraw && !inCi ? "tty" : "plain";
  if (requested === "tty" && !facts.isTTY) return "plain";
  return requested;
}

/** Options for {@linkcode createRenderer}. */
export interface CreateRendererOptions {
  /** Share one model between the renderer and an error report. */
  model?: ProgressModel;
  /**
   * Colour in the live view.
   * @default {true}
   */
  color?: boolean;
}

/**
 * Makes the renderer for a resolved mode, printing to `out` (normally `process.stderr`).
 *
 * @example
 * ```ts
 * import { createRenderer } from "@drydock/core/progress";
 * const renderer = createRenderer("plain", { write: (text: string) => void text });
 * renderer.update({ vertexes: [{ digest: "sha256:a", name: "step", started: { seconds: 1n } }] });
 * renderer.done();
 * ```
 */
export function createRenderer(
  mode: Exclude<ProgressMode, "auto">,
  out: TerminalOutput,
  options: CreateRendererOptions = {},
): ProgressRenderer {
  const sink = (text: string) => void out.write(text);
  switch (mode) {
    case "tty":
      return new TtyRenderer(out, { model: options.model, color: options.color });
    case "plain":
      // Printing at most every 100 ms, as buildx does, also gives the same lines as buildx.
      return new PlainRenderer(sink, { model: options.model, intervalMs: 100 });
    case "rawjson":
      return new RawJsonRenderer(sink, { model: options.model });
    case "quiet":
      return new QuietRenderer(sink, { model: options.model });
  }
}
