/**
 * Build attestations (SLSA provenance, SBOM) and the source date epoch, as the
 * frontend attributes BuildKit's controller reads on every solve, gateway
 * solves included.
 *
 * @module
 */
import { z } from "zod";
import { validate } from "../core/validate.ts";

/** Attestations attached to exported images (image exporter engines only). */
export interface AttestOptions {
  /** SLSA provenance: `min` records the build's inputs, `max` also its full definition. `false`: none. */
  provenance?: false | { mode?: "min" | "max" };
  /** An SBOM, made by a scanner image the engine runs (default docker/buildkit-syft-scanner). */
  sbom?: boolean | { generator?: string };
}

/** The zod schema of {@link AttestOptions}. */
export const attestSchema = z.strictObject({
  provenance: z.union([z.literal(false), z.strictObject({ mode: z.enum(["min", "max"]).optional() })])
    .optional(),
  sbom: z.union([z.boolean(), z.strictObject({ generator: z.string().min(1).optional() })]).optional(),
});

/** A source date epoch: whole seconds since 1970, not negative. */
export const sourceDateEpochSchema = z.number().int("must be whole seconds").min(0, "must be at least 0");

/**
 * The source date epoch the environment's `SOURCE_DATE_EPOCH` sets, checked; `undefined` when it is unset.
 *
 * @example
 * ```ts
 * import { sourceDateEpochFromEnv } from "./attestations.ts";
 * sourceDateEpochFromEnv({ SOURCE_DATE_EPOCH: "1700000000" }); // 1700000000
 * sourceDateEpochFromEnv({}); // undefined
 * ```
 */
export function sourceDateEpochFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): number | undefined {
  const text = env.SOURCE_DATE_EPOCH;
  if (!text) return undefined;
  return validate(
    "build",
    "SOURCE_DATE_EPOCH",
    z.coerce.number().pipe(sourceDateEpochSchema),
    text,
    undefined,
  );
}

/**
 * The `SolveRequest.FrontendAttrs` for these attestations and epoch.
 *
 * @example
 * ```ts
 * import { frontendAttrs } from "./attestations.ts";
 * frontendAttrs({ provenance: { mode: "max" } }, 0);
 * // { "attest:provenance": "mode=max", "build-arg:SOURCE_DATE_EPOCH": "0" }
 * ```
 */
export function frontendAttrs(
  attest: AttestOptions | undefined,
  sourceDateEpoch: number | undefined,
): Record<string, string> {
  const attrs: Record<string, string> = {};
  if (attest?.provenance) attrs["attest:provenance"] = `mode=${attest.provenance.mode ?? "min"}`;
  if (attest?.sbom) {
    const generator = typeof attest.sbom === "object" ? attest.sbom.generator : undefined;
    attrs["attest:sbom"] = generator ? `generator=${generator}` : "";
  }
  // BuildKit ≥ 0.11 passes this to every exporter as source-date-epoch.
  if (sourceDateEpoch !== undefined) attrs["build-arg:SOURCE_DATE_EPOCH"] = String(sourceDateEpoch);
  return attrs;
}
