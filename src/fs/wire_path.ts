/**
 * Paths as fsutil puts them on the wire: relative, `/`-separated, clean. Also the bytewise name order
 * that fsutil's walker and validator use (Go compares strings byte by byte, as UTF-8).
 *
 * @module
 */
import { Buffer } from "node:buffer";

/** Longest name of one path component, in bytes (Linux `NAME_MAX`). */
export const MAX_NAME_BYTES = 255;
/** Longest whole path, in bytes (Linux `PATH_MAX`). */
export const MAX_PATH_BYTES = 4096;

/**
 * Checks a path received from a peer. Returns a description of the problem, or `undefined` if the
 * path is relative, clean, does not escape, and fits the length limits.
 *
 * @example
 * ```ts
 * import { wirePathProblem } from "./wire_path.ts";
 * wirePathProblem("a/b.txt"); // undefined
 * wirePathProblem("../x"); // 'path "../x" escapes the destination'
 * ```
 */
export function wirePathProblem(path: string): string | undefined {
  const shown = JSON.stringify(path.length > 300 ? path.slice(0, 300) + "…" : path);
  if (path === "") return "empty path";
  if (path.includes("\0")) return `path ${shown} contains a NUL byte`;
  if (path.startsWith("/")) return `absolute path ${shown} not allowed`;
  const parts = path.split("/");
  if (parts.includes("..")) return `path ${shown} escapes the destination`;
  if (parts.some((p) => p === "" || p === ".")) return `unclean path ${shown}`;
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) return `path ${shown} is longer than ${MAX_PATH_BYTES} bytes`;
  for (const p of parts) {
    if (Buffer.byteLength(p) > MAX_NAME_BYTES) {
      return `name ${
        JSON.stringify(p.slice(0, 40) + "…")
      } in ${shown} is longer than ${MAX_NAME_BYTES} bytes`;
    }
  }
  return undefined;
}

/**
 * Compares two names by their UTF-8 bytes, as Go compares strings. This differs from JS `<` (UTF-16 code
 * units) for characters above U+FFFF versus U+E000–U+FFFF.
 *
 * @example
 * ```ts
 * import { compareNames } from "./wire_path.ts";
 * compareNames("a", "a-c.txt") < 0; // true
 * compareNames("\u{ff5e}", "\u{1f600}") < 0; // true, though "\u{ff5e}" > "\u{1f600}" in JS
 * ```
 */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/**
 * Splits a wire path into its parent directory (`""` for top-level entries) and its last component.
 *
 * @example
 * ```ts
 * import { splitWirePath } from "./wire_path.ts";
 * splitWirePath("a/b/c"); // ["a/b", "c"]
 * splitWirePath("top"); // ["", "top"]
 * ```
 */
export function splitWirePath(path: string): [dir: string, base: string] {
  const i = path.lastIndexOf("/");
  return i < 0 ? ["", path] : [path.slice(0, i), path.slice(i + 1)];
}
