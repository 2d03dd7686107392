/**
 * JSON encoded as Go's `encoding/json` encodes it, for LLB attributes that must match Go's llb byte for byte.
 *
 * @module
 */

/**
 * JSON as Go's `encoding/json` writes it (HTML-safe escapes), so attrs match
 * what Go's llb would send byte for byte.
 *
 * @example
 * ```ts
 * import { goJson } from "./go_json.ts";
 * goJson(["a<b"]); // '["a\\u003cb"]'
 * ```
 */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
