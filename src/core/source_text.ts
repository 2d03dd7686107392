/**
 * The one reader of build.ts source text, for code frames in error reports and stage names in progress.
 *
 * @module
 */
import { readFileSync } from "node:fs";

/**
 * The lines of a source text; the final newline ends the last line, it adds no empty one.
 *
 * @example
 * ```ts
 * import { sourceLines } from "./source_text.ts";
 * sourceLines("const a = 1;\r\nconst b = 2;\n"); // ["const a = 1;", "const b = 2;"]
 * ```
 */
export function sourceLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/**
 * The lines of a source file, or `undefined` when it cannot be read (moved, deleted, not a file).
 *
 * @example
 * ```ts
 * import { readSourceLines } from "./source_text.ts";
 * readSourceLines("/nonexistent/build.ts"); // undefined
 * ```
 */
export function readSourceLines(file: string): string[] | undefined {
  try {
    return sourceLines(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}
