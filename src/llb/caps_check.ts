/**
 * Checks, before anything is solved, that the engine has every cap the
 * definition lists, and names the DSL feature, the build.ts line and the engine
 * when one is missing.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import { formatLocation, type SourceLocation } from "../core/location.ts";
import { CAP_FEATURES } from "./caps.ts";
import type { CapProblem, EngineCaps } from "./engine_caps.ts";
import type { MarshalResult } from "./marshal_types.ts";

/** One feature the engine cannot run. */
export interface MissingCap {
  /** BuildKit's name of the capability, e.g. `mergeop`. */
  readonly cap: string;
  /** The DSL feature that needs it, e.g. `merge()`. */
  readonly feature: string;
  /** The build.ts call that used the feature, when known. */
  readonly location: SourceLocation | undefined;
  /** Whether the engine does not know the cap or has it disabled (and why). */
  readonly problem: CapProblem;
}

/**
 * The build uses features the engine does not have.
 *
 * @example
 * ```ts
 * import { CapabilityError } from "@drydock/core";
 * const err = new CapabilityError([{ cap: "diffop", feature: "diff()", location: undefined, problem: { kind: "unknown" } }], "the engine");
 * err.code; // "E_CAPABILITY"
 * ```
 */
export class CapabilityError extends DrydockError {
  /** The class name, shown before the message in stack traces. */
  override name = "CapabilityError";
  /**
   * The check before the solve throws it, with one line per missing feature.
   *
   * @param missing Each feature the engine cannot run.
   * @param engine How to name the engine in the message, e.g. `Docker 20.10.24 (BuildKit v0.8.2)`.
   */
  constructor(readonly missing: readonly MissingCap[], readonly engine: string) {
    super("E_CAPABILITY", (cwd) => missing.map((m) => describeMissing(m, engine, cwd)).join("\n"));
  }
}

/**
 * Describes one missing feature in a sentence.
 *
 * @example
 * ```ts
 * import { describeMissing } from "./caps_check.ts";
 * describeMissing({ cap: "mergeop", feature: "merge()", location: undefined, problem: { kind: "unknown" } }, "the engine", "/work");
 * // 'merge() needs the engine capability "mergeop", which the engine does not have (it is too old)'
 * ```
 */
export function describeMissing(m: MissingCap, engine: string, cwd: string | undefined): string {
  const where = m.location ? ` (at ${formatLocation(m.location, cwd)})` : "";
  const why = m.problem.kind === "unknown"
    ? `which ${engine} does not have (it is too old)`
    : `which ${engine} has disabled${m.problem.reason ? `: ${m.problem.reason}` : ""}`;
  return `${m.feature}${where} needs the engine capability "${m.cap}", ${why}`;
}

/**
 * Every cap the definition needs that `caps` lacks, one entry per cap and
 * build.ts location.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { marshal } from "./marshal.ts";
 * import { EngineCaps } from "./engine_caps.ts";
 * import { missingCaps } from "./caps_check.ts";
 * missingCaps(marshal(image("busybox")), EngineCaps.fromPong({}, "e")).length; // 3: source.image, constraints, platform
 * ```
 */
export function missingCaps(result: MarshalResult, caps: EngineCaps): MissingCap[] {
  const missing: MissingCap[] = [];
  const seen = new Set<string>();
  for (const op of result.ops) {
    const needed = Object.keys(result.definition?.metadata?.[op.digest]?.caps ?? {}).sort();
    for (const cap of needed) {
      const problem = caps.problem(cap);
      if (!problem) continue;
      const location = op.node?.location;
      const key = `${cap}\n${location ? formatLocation(location, undefined) : ""}`;
      if (seen.has(key)) continue;
      seen.add(key);
      missing.push({ cap, feature: CAP_FEATURES[cap] ?? `a step`, location, problem });
    }
  }
  return missing;
}

/**
 * Throws a {@link CapabilityError} listing every feature the engine lacks.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { marshal } from "./marshal.ts";
 * import { EngineCaps } from "./engine_caps.ts";
 * import { checkCaps } from "./caps_check.ts";
 * const all = ["source.image", "constraints", "platform"].map((id) => ({ id, enabled: true }));
 * checkCaps(marshal(image("busybox")), EngineCaps.fromPong({ llbCaps: all }, "e")); // passes
 * ```
 */
export function checkCaps(result: MarshalResult, caps: EngineCaps): void {
  const missing = missingCaps(result, caps);
  if (missing.length > 0) throw new CapabilityError(missing, caps.description);
}
