/**
 * The quiet progress renderer: prints nothing, so only the build's result is shown.
 *
 * @module
 */

import { ProgressModel } from "./model.ts";
import type { StatusResponse } from "./status.ts";

/**
 * Folds updates into a model without printing, so a failure can still be reported with its step and logs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { QuietRenderer } from "@drydock/core/progress";
 *
 * const renderer = new QuietRenderer();
 * renderer.update({ vertexes: [{ digest: "sha256:a", name: "RUN false", error: "exit code: 1" }] });
 * renderer.done();
 * assert.equal(renderer.model.failures()[0].name, "RUN false");
 * ```
 */
export class QuietRenderer {
  /** The model this renderer folds updates into. */
  readonly model: ProgressModel;

  readonly #sink: (text: string) => void;

  /**
   * A renderer that prints nothing of the build itself.
   *
   * @param sink receives only what {@linkcode QuietRenderer.print} is given
   * @param options `model`: a model to share with other readers.
   */
  constructor(sink: (text: string) => void = () => {}, options: { model?: ProgressModel } = {}) {
    this.#sink = sink;
    this.model = options.model ?? new ProgressModel();
  }

  /**
   * Folds one update into the model.
   *
   * @example
   * ```ts
   * import { QuietRenderer } from "@drydock/core/progress";
   * new QuietRenderer().update({ vertexes: [{ digest: "sha256:a", name: "RUN x" }] });
   * ```
   */
  update(status: StatusResponse): void {
    this.model.apply(status);
  }

  /**
   * Quiet mode still shows messages meant for the user.
   *
   * @example
   * ```ts
   * import { QuietRenderer } from "@drydock/core/progress";
   * new QuietRenderer((text) => void text).print("Interrupted\n");
   * ```
   */
  print(text: string): void {
    this.#sink(text);
  }

  /**
   * Nothing to print.
   *
   * @example
   * ```ts
   * import { QuietRenderer } from "@drydock/core/progress";
   * new QuietRenderer().done();
   * ```
   */
  done(): void {}
}
