/**
 * Splitting raw log text into lines when chunks are not line-aligned.
 *
 * @module
 */

/** The lines found in one chunk of log text. */
export interface SplitLines {
  /** The pieces between newlines; the first continues any unterminated line from earlier chunks. */
  readonly lines: readonly string[];
  /** Whether the chunk ended with a newline, i.e. its last piece is a finished line. */
  readonly complete: boolean;
}

/**
 * Splits a chunk of log text at `\n`. A trailing newline finishes the last line; without one, the last piece
 * is an unterminated line that the next chunk continues.
 *
 * @example A chunk that ends mid-line
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitLines } from "./_lines.ts";
 *
 * assert.deepEqual(splitLines("a\nb"), { lines: ["a", "b"], complete: false });
 * assert.deepEqual(splitLines("a\n"), { lines: ["a"], complete: true });
 * ```
 */
export function splitLines(text: string): SplitLines {
  if (text === "") return { lines: [], complete: false };
  const lines = text.split("\n");
  const complete = lines[lines.length - 1] === "";
  if (complete) lines.pop();
  return { lines, complete };
}

/**
 * The most recent lines of one log: a bounded list of finished lines plus the unterminated line, if any.
 *
 * @example Keeping the last lines
 * ```ts
 * import assert from "node:assert/strict";
 * import { LogTail } from "./_lines.ts";
 *
 * const tail = new LogTail(2);
 * tail.append("one\ntwo\nthr");
 * tail.append("ee\nfo");
 * assert.deepEqual(tail.last(10), ["two", "three", "fo"]);
 * ```
 */
export class LogTail {
  #lines: string[] = [];
  #partial = "";
  readonly #limit: number;

  /** @param limit how many finished lines to keep */
  constructor(limit: number) {
    this.#limit = Math.max(0, limit);
  }

  /** Adds a chunk of text; it may end mid-line. */
  append(text: string): void {
    const { lines, complete } = splitLines(text);
    lines.forEach((piece, i) => {
      const line = i === 0 ? this.#partial + piece : piece;
      if (i === 0) this.#partial = "";
      if (i === lines.length - 1 && !complete) this.#partial = line;
      else this.#push(line);
    });
  }

  /** The last `n` lines, oldest first, with a non-empty unterminated line counted as the newest. */
  last(n: number): string[] {
    if (n <= 0) return [];
    const kept = this.#lines.slice(-this.#limit); // #lines is empty when #limit is 0
    const withPartial = this.#partial === "" ? kept : [...kept, this.#partial];
    return withPartial.slice(-n);
  }

  #push(line: string): void {
    if (this.#limit === 0) return;
    this.#lines.push(line);
    // Trim in batches so a long log costs amortised O(1) per line.
    if (this.#lines.length > 2 * this.#limit) this.#lines = this.#lines.slice(-this.#limit);
  }
}
