/**
 * Go's `path.Clean` (`filepath.Clean` on Unix): the shortest path naming the same file, by purely lexical
 * processing. Patterns and followpaths are cleaned this way before matching, as moby and fsutil do.
 *
 * @module
 */

/**
 * Cleans a `/`-separated path like Go's `path.Clean`: repeated slashes become one, `.` elements go, `..`
 * removes the element before it (at the root, `/..` is `/`), a trailing slash goes, and an empty result is
 * `"."`.
 *
 * @example
 * ```ts
 * import { cleanPath } from "./clean_path.ts";
 * cleanPath("a//b/./c/../d/"); // "a/b/d"
 * cleanPath("/../x"); // "/x"
 * cleanPath("../x"); // "../x"
 * cleanPath(""); // "."
 * ```
 */
export function cleanPath(path: string): string {
  if (path === "") return ".";
  const rooted = path.startsWith("/");
  const out: string[] = [];
  /** Leading `..` elements of a relative path cannot be removed. */
  let fixed = 0;
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > fixed) out.pop();
      else if (!rooted) {
        out.push("..");
        fixed = out.length;
      }
      continue;
    }
    out.push(part);
  }
  const joined = out.join("/");
  if (rooted) return "/" + joined;
  return joined === "" ? "." : joined;
}
