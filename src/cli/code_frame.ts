/**
 * Code frames: a few lines of build.ts around a location, with the call at that location underlined, the way
 * compilers show where an error is.
 *
 * @module
 */
import { formatLocation, type SourceLocation } from "../core/location.ts";
import { readSourceLines, sourceLines } from "../core/source_text.ts";

/** Options for {@linkcode codeFrame} and {@linkcode formatCodeFrame}. */
export interface CodeFrameOptions {
  /**
   * Lines shown before and after the location's line.
   * @default {2}
   */
  context?: number;
  /**
   * Colour the marker and the line number of the location.
   * @default {false}
   */
  color?: boolean;
  /** The file's text, when it is known already (e.g. sent back by the engine); otherwise the file is read. */
  text?: string;
  /** The working directory; the header shows the path relative to it when that is shorter. @default absolute paths */
  cwd?: string;
}

/**
 * The code frame for a location, reading its file; `undefined` when the file cannot be read or the line is not
 * in it.
 *
 * @example
 * ```ts
 * import { codeFrame } from "./code_frame.ts";
 * codeFrame({ file: "/work/build.ts", line: 5, column: 4 }, { cwd: "/work" }); // "  --> build.ts:5:4\n   |\n 3 | …"
 * ```
 */
export function codeFrame(location: SourceLocation, options: CodeFrameOptions = {}): string | undefined {
  const lines = options.text === undefined ? readSourceLines(location.file) : sourceLines(options.text);
  return lines && formatCodeFrame(lines, location, options);
}

/**
 * Formats the code frame of `location` in `lines`: a `-->` header with the location, numbered lines around it,
 * and a row of `^` under the call that starts at the column (the method name with its parenthesised
 * arguments, as far as they go on that line).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatCodeFrame } from "./code_frame.ts";
 *
 * const lines = ['const app = image("busybox")', '  .run("make");', "await build({ app });"];
 * assert.equal(
 *   formatCodeFrame(lines, { file: "/nowhere/build.ts", line: 2, column: 4 }, { context: 1 }),
 *   [
 *     "  --> /nowhere/build.ts:2:4",
 *     "   |",
 *     " 1 | const app = image(\"busybox\")",
 *     " 2 |   .run(\"make\");",
 *     "   |    ^^^^^^^^^^",
 *     " 3 | await build({ app });",
 *     "   |",
 *   ].join("\n"),
 * );
 * ```
 */
export function formatCodeFrame(
  lines: readonly string[],
  location: SourceLocation,
  options: CodeFrameOptions = {},
): string | undefined {
  const index = location.line - 1;
  if (index < 0 || index >= lines.length) return undefined;
  const context = options.context ?? 2;
  const first = Math.max(0, index - context);
  const last = Math.min(lines.length - 1, index + context);
  const gutter = String(last + 1).length;
  const red = (s: string) => options.color ? `\x1b[1;31m${s}\x1b[0m` : s;
  const blue = (s: string) => options.color ? `\x1b[34m${s}\x1b[0m` : s;
  const bar = blue(`${" ".repeat(gutter + 2)}|`);
  const out = [`${" ".repeat(gutter + 1)}${blue("-->")} ${formatLocation(location, options.cwd)}`, bar];
  for (let i = first; i <= last; i++) {
    const text = untab(lines[i]);
    out.push(`${blue(` ${String(i + 1).padStart(gutter)} |`)}${text === "" ? "" : " " + text}`);
    if (i === index) {
      const start = untab(lines[i].slice(0, Math.max(0, location.column - 1))).length;
      const length = callLength(text, start);
      out.push(`${bar} ${" ".repeat(start)}${red("^".repeat(length))}`);
    }
  }
  out.push(bar);
  return out.join("\n");
}

/** Columns from `start` to the end of the call there: an identifier and its balanced `(...)` on this line. */
function callLength(line: string, start: number): number {
  let i = start;
  while (i < line.length && /[\w$.]/.test(line[i])) i++;
  if (line[i] === "(") {
    let depth = 0;
    let quote: string | undefined;
    for (; i < line.length; i++) {
      const c = line[i];
      if (quote) {
        if (c === "\\") i++;
        else if (c === quote) quote = undefined;
      } else if (c === '"' || c === "'" || c === "`") quote = c;
      else if (c === "(") depth++;
      else if (c === ")" && --depth === 0) {
        i++;
        break;
      }
    }
  }
  return Math.max(1, i - start);
}

function untab(text: string): string {
  return text.replace(/\t/g, "    ");
}
