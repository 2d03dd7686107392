/**
 * What a frontend (`dockerfile.v0`) hands back from `LLBBridge.Solve`: the
 * definition of its result, or the empty filesystem, and the image config it
 * made (`containerimage.config`, or the one per-platform key), which is what
 * `docker buildx build` exports.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import type { Result } from "../proto/moby_buildkit_v1_frontend.gen.ts";
import type * as pb from "../proto/pb.gen.ts";
import type { ContainerConfig } from "./image_config.ts";

/** An image config as a frontend returns it: the whole OCI config, history included. */
export interface FrontendImage {
  readonly config?: ContainerConfig;
  readonly history?: readonly unknown[];
  readonly created?: string;
  readonly [other: string]: unknown;
}

/** A frontend's result, read. */
export interface FrontendOutcome {
  /** The definition ending in the result; `null` is the empty filesystem (`FROM scratch` and metadata only). */
  readonly definition: pb.Definition | null;
  /** The image config the frontend made, when it made one. */
  readonly image?: FrontendImage;
}

const CONFIG_KEY = "containerimage.config";

/**
 * Reads a frontend's `LLBBridge.Solve` result (asked with `allowResultReturn`).
 * A result made of several platforms must hold exactly one: drydock asks for one
 * platform per call.
 *
 * @example
 * ```ts
 * import { readFrontendResult } from "./frontend_result.ts";
 * const meta = { "containerimage.config": new TextEncoder().encode('{"config":{"Cmd":["sh"]}}') };
 * readFrontendResult({ ref: { id: "" }, metadata: meta }, "dockerfile Dockerfile").definition; // null
 * ```
 */
export function readFrontendResult(result: Result | undefined, name: string): FrontendOutcome {
  const refs = Object.values(result?.refs?.refs ?? {});
  if (refs.length > 1) {
    throw new DrydockError(
      "E_FRONTEND_RESULT",
      `${name}: the frontend returned ${refs.length} platforms, not one`,
    );
  }
  const ref = result?.ref ?? refs[0];
  if (!ref && result?.refDeprecated) {
    // Engines that only return ids give no definition to splice in.
    throw new DrydockError("E_FRONTEND_RESULT", `${name}: the frontend returned no definition`);
  }
  const def = ref?.def;
  if (!def?.def?.length && ref?.id) {
    throw new DrydockError("E_FRONTEND_RESULT", `${name}: the frontend returned no definition`);
  }
  const metadata = result?.metadata ?? {};
  const configKeys = Object.keys(metadata).filter((k) => k === CONFIG_KEY || k.startsWith(`${CONFIG_KEY}/`));
  const bytes = metadata[CONFIG_KEY] ?? (configKeys.length === 1 ? metadata[configKeys[0]] : undefined);
  const image = bytes?.byteLength ? JSON.parse(new TextDecoder().decode(bytes)) as FrontendImage : undefined;
  return { definition: def?.def?.length ? def : null, ...(image ? { image } : {}) };
}
