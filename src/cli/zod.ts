/**
 * zod, re-exported: `params()` takes zod schemas, and a build.ts gets them
 * from drydock, so the schemas are always of the zod version drydock checks.
 *
 * @module
 */
import { z as zod } from "zod";

/**
 * zod's `z` (https://zod.dev), the schema builder for {@link params}.
 *
 * @example
 * ```ts
 * import { params, z } from "@drydock/core";
 * const p = params({ tag: z.string().default("latest") }, { cli: false });
 * p.tag; // "latest"
 * ```
 */
export const z: typeof zod = zod;
