/**
 * A plain renderer writing into a string, with a clock the test moves by hand, for the plain renderer's tests.
 *
 * @module
 */
import { PlainRenderer, type PlainRendererOptions } from "./plain.ts";
import type { StatusResponse } from "./status.ts";

/** A renderer writing into a string, with a clock the test moves by hand. */
export class Screen {
  out = "";
  clock = 0;
  writes = 0;
  readonly renderer: PlainRenderer;

  constructor(options: PlainRendererOptions = {}) {
    this.renderer = new PlainRenderer((text) => {
      this.out += text;
      this.writes++;
    }, { now: () => this.clock, ...options });
  }

  feed(...updates: StatusResponse[]): this {
    for (const update of updates) this.renderer.update(update);
    return this;
  }
}

export const screen = (options?: PlainRendererOptions) => new Screen(options);

export const lines = (...l: string[]) => l.map((x) => x + "\n").join("");
