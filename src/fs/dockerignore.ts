/**
 * Reading `.dockerignore` files into exclude patterns, as Docker does (moby's `ignorefile.ReadAll`).
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { cleanPath } from "./clean_path.ts";

/**
 * Parses the text of a `.dockerignore` file into exclude patterns, line by line: a UTF-8 byte order mark
 * is dropped; lines starting with `#` are comments; whitespace around a line is trimmed and blank lines are
 * skipped; a leading `!` (an exception) is kept, with spaces after it trimmed; each path is cleaned (`a/./b/`
 * is `a/b`) and a leading `/` dropped, so `/a` and `a` mean the same. A `#` after the start is not a comment.
 *
 * @example
 * ```ts
 * import { parseDockerignore } from "@drydock/core/spec";
 * parseDockerignore("# build output\n/dist/\n*.log\n! keep.log\n"); // ["dist", "*.log", "!keep.log"]
 * ```
 */
export function parseDockerignore(text: string): string[] {
  const patterns: string[] = [];
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  // Go's bufio.Scanner splits at \n and drops one \r before it.
  for (const line of body.split("\n").map((l) => l.endsWith("\r") ? l.slice(0, -1) : l)) {
    if (line.startsWith("#")) continue;
    let pattern = line.trim();
    if (pattern === "") continue;
    const exception = pattern.startsWith("!");
    if (exception) pattern = pattern.slice(1).trim();
    if (pattern !== "") {
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern.startsWith("/")) pattern = pattern.slice(1);
    }
    patterns.push(exception ? "!" + pattern : pattern);
  }
  return patterns;
}

/**
 * Reads `<dir>/.dockerignore` into exclude patterns; a missing file gives `[]`.
 *
 * @example
 * ```ts
 * import { readDockerignore } from "@drydock/core/spec";
 * const excludes = await readDockerignore("."); // e.g. ["node_modules", "*.log"]
 * ```
 */
export async function readDockerignore(dir: string): Promise<string[]> {
  return await readIgnoreFile([join(dir, ".dockerignore")]);
}

/**
 * The patterns of the first of `files` that exists (none: no patterns), as
 * `docker build` prefers a Dockerfile's `<name>.dockerignore` to the context's.
 *
 * @example
 * ```ts
 * import { readIgnoreFile } from "./dockerignore.ts";
 * const patterns = await readIgnoreFile(["/ctx/Dockerfile.dockerignore", "/ctx/.dockerignore"]);
 * ```
 */
export async function readIgnoreFile(files: readonly string[]): Promise<string[]> {
  for (const file of files) {
    try {
      return parseDockerignore(await readFile(file, "utf8"));
    } catch (e) {
      if ((e as { code?: string }).code !== "ENOENT") throw e;
    }
  }
  return [];
}
