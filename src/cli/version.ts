/**
 * The package's version, as `--version` prints it. Kept equal to package.json
 * and deno.json by version_test.ts (the compiled package has no package.json
 * beside its modules to import).
 *
 * @module
 */

/**
 * drydock's version.
 *
 * @example
 * ```ts
 * import { VERSION } from "./version.ts";
 * `drydock ${VERSION}`; // "drydock 0.1.0"
 * ```
 */
export const VERSION = "0.1.0";
