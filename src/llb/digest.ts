/**
 * Content digests as BuildKit writes them: `sha256:<lowercase hex>`.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** A `sha256:<hex>` digest string. */
export type Digest = `sha256:${string}`;

/**
 * The digest of exactly these bytes.
 *
 * @example
 * ```ts
 * import { digestOf } from "./digest.ts";
 * digestOf(new Uint8Array()); // "sha256:e3b0c442..."
 * ```
 */
export function digestOf(bytes: Uint8Array): Digest {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}
