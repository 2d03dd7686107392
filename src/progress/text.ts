/**
 * Making untrusted text safe and short enough for one terminal row.
 *
 * @module
 */

// CSI/OSC escape sequences, other ESC pairs, then C0/C1 controls except tab.
const ESCAPES =
  // deno-lint-ignore no-control-regex -- terminal escape sequences are the point
  /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/**
 * Turns one log line into plain printable text: a carriage return keeps only what was drawn last (progress
 * bars redraw that way), escape sequences and control characters are dropped, tabs become spaces.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { printable } from "@drydock/core/progress";
 *
 * assert.equal(printable("10%\r50%\r\x1b[32mdone\x1b[0m"), "done");
 * assert.equal(printable("a\tb"), "a  b");
 * ```
 */
export function printable(line: string): string {
  const trimmed = line.replace(/\r+$/, "");
  const last = trimmed.lastIndexOf("\r");
  return (last === -1 ? trimmed : trimmed.slice(last + 1)).replace(ESCAPES, "").replace(/\t/g, "  ");
}

/**
 * How many terminal columns plain text takes: one per code point, two for East Asian wide characters and
 * emoji, none for combining marks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { displayWidth } from "@drydock/core/progress";
 *
 * assert.equal(displayWidth("abc"), 3);
 * assert.equal(displayWidth("日本"), 4);
 * ```
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charWidth(ch.codePointAt(0)!);
  return width;
}

/**
 * Cuts plain text to at most `columns` columns, ending with `…` when something was cut.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { truncate } from "@drydock/core/progress";
 *
 * assert.equal(truncate("abcdef", 4), "abc…");
 * assert.equal(truncate("abc", 4), "abc");
 * ```
 */
export function truncate(text: string, columns: number): string {
  if (displayWidth(text) <= columns) return text;
  if (columns <= 0) return "";
  let out = "";
  let width = 0;
  for (const ch of text) {
    const w = charWidth(ch.codePointAt(0)!);
    if (width + w > columns - 1) break;
    out += ch;
    width += w;
  }
  return out + "…";
}

/**
 * Pads `left` and right-aligns `right` within `columns`; `left` is cut first when both do not fit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spread } from "@drydock/core/progress";
 *
 * assert.equal(spread("name", "1.0s", 12), "name    1.0s");
 * assert.equal(spread("a long name", "1.0s", 10), "a lo… 1.0s");
 * ```
 */
export function spread(left: string, right: string, columns: number): string {
  if (right === "") return truncate(left, columns);
  const room = columns - displayWidth(right) - 1;
  if (room <= 0) return truncate(right, columns);
  const shown = truncate(left, room);
  return shown + " ".repeat(columns - displayWidth(shown) - displayWidth(right)) + right;
}

function charWidth(cp: number): number {
  if (cp >= 0x300 && cp <= 0x36f) return 0; // combining diacritics
  if (cp === 0x200b || cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x20000 && cp <= 0x3fffd)
  ) return 2;
  return 1;
}
