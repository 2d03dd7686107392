/**
 * The one check that a gateway feature is on the engine, shared by the build
 * context, containers and debug shells.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import type { SourceLocation } from "../core/location.ts";
import { describeMissing } from "../llb/caps_check.ts";
import type { EngineCaps } from "../llb/engine_caps.ts";

/**
 * Throws when the engine lacks a gateway cap, naming the feature and the build.ts line.
 *
 * @example
 * ```ts
 * import { EngineCaps } from "../llb/engine_caps.ts";
 * import { requireCap } from "./require_cap.ts";
 * requireCap(EngineCaps.fromPong({ frontendAPICaps: [{ id: "readfile", enabled: true }] }, "e"), "readfile", "ctx.readFile()", undefined);
 * ```
 */
export function requireCap(
  caps: EngineCaps,
  cap: string,
  feature: string,
  location: SourceLocation | undefined,
): void {
  const problem = caps.problem(cap, true);
  if (!problem) return;
  throw new DrydockError(
    "E_CAPABILITY",
    (cwd) => describeMissing({ cap, feature, location, problem }, caps.description, cwd),
  );
}
