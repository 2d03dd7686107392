/**
 * Errors from a build on the engine, tied back to the build.ts line that made
 * the failing step.
 *
 * @module
 */
import { DrydockError } from "../dsl/errors.ts";
import { formatLocation, type SourceLocation } from "../dsl/location.ts";
import type { Digest } from "../llb/digest.ts";
import type { RpcError } from "../transport/rpc.ts";

/**
 * A build failed on the engine.
 *
 * @example
 * ```ts
 * import { BuildError } from "./errors.ts";
 * const err = new BuildError("exit code: 1", undefined, { file: "/p/build.ts", line: 4, column: 3 });
 * err.location?.line; // 4
 * ```
 */
export class BuildError extends DrydockError {
  override name = "BuildError";
  constructor(
    /** The engine's message. */
    readonly engineMessage: string,
    /** Digest of the op that failed, when known. */
    readonly vertex: Digest | undefined,
    /** Where build.ts made that op. */
    readonly location: SourceLocation | undefined,
    options?: ErrorOptions,
  ) {
    super("E_BUILD", engineMessage + (location ? `\n  at ${formatLocation(location)}` : ""), options);
  }
}

/**
 * The failing op's digest from a v0.13 engine's error details, if present.
 *
 * @example
 * ```ts
 * import { failingVertex } from "./errors.ts";
 * // failingVertex(rpcError) === "sha256:..."
 * ```
 */
export function failingVertex(err: RpcError): Digest | undefined {
  for (const d of err.statusDetails) {
    if (!d.typeUrl.endsWith("errdefs.Vertex+json") && !d.typeUrl.endsWith("errdefs.Vertex")) continue;
    try {
      const v = JSON.parse(new TextDecoder().decode(d.value)) as { digest?: string };
      if (v.digest?.startsWith("sha256:")) return v.digest as Digest;
    } catch { /* not JSON */ }
  }
  return undefined;
}
