/**
 * What one solve learns as it goes (where each op was made in build.ts, each step's progress name, the vertex
 * the engine failed) and the error report made of it when the engine fails the build.
 *
 * @module
 */
import type { SourceLocation } from "../core/location.ts";
import type { Digest } from "../llb/digest.ts";
import type { MarshalResult } from "../llb/marshal_types.ts";
import type { StatusResponse } from "../proto/moby_buildkit_v1.gen.ts";
import { RpcError } from "../transport/rpc.ts";
import { BuildError, engineSource, exitCodeOf, failingVertex } from "./errors.ts";

const IMAGE_SCHEME = "docker-image://";

/**
 * The findings of one solve, filled in while it runs and read when it fails.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { marshal } from "../llb/marshal.ts";
 * import { SolveFindings } from "./solve_findings.ts";
 * const findings = new SolveFindings();
 * findings.learn(marshal(image("busybox").run("false")));
 * const err = findings.buildError(new Error("exit code: 1")); // a BuildError, with the run()'s line once a vertex is known
 * ```
 */
export class SolveFindings {
  readonly #locations = new Map<Digest, SourceLocation>();
  readonly #names = new Map<Digest, string>();
  // An image that cannot be resolved fails in an engine step of its own; its reference leads to the image() call.
  readonly #imageCalls = new Map<string, SourceLocation>();
  #failedVertex: Digest | undefined;

  /** Records where each op of a marshalled definition was made, and which image() call names which reference. */
  learn(m: MarshalResult): void {
    for (const [digest, location] of m.locations) this.#locations.set(digest, location);
    for (const { op, node } of m.ops) {
      const id = op.source?.identifier;
      if (id?.startsWith(IMAGE_SCHEME) && node?.location) {
        this.#imageCalls.set(id.slice(IMAGE_SCHEME.length), node.location);
      }
    }
  }

  /** The progress name of a step, when known. */
  stepName(digest: string): string | undefined {
    return this.#names.get(digest as Digest);
  }

  /** Records the progress names of steps, e.g. `[app 3/5] RUN npm ci`. */
  nameSteps(names: ReadonlyMap<Digest, string>): void {
    for (const [digest, name] of names) this.#names.set(digest, name);
  }

  /** The vertex the status stream last reported failed, if any. */
  get failedVertex(): Digest | undefined {
    return this.#failedVertex;
  }

  /** Notes the vertex a status update reports failed (the last one wins, as the engine fails one). */
  watch(status: StatusResponse): void {
    for (const v of status.vertexes ?? []) if (v.error) this.#failedVertex = v.digest as Digest;
  }

  /**
   * The build.ts location of a failure: the engine's source map entry when it sent one, else the location of
   * the failed op, else the image() call whose reference the engine could not find.
   */
  locate(message: string, vertex: Digest | undefined, rpc: RpcError | undefined): SourceLocation | undefined {
    return (rpc && engineSource(rpc)?.location) ?? (vertex ? this.#locations.get(vertex) : undefined) ??
      [...this.#imageCalls].find(([ref]) => message.includes(`${ref}: not found`))?.[1];
  }

  /**
   * The engine's failure as a {@link BuildError} with the failed step's name and build.ts location.
   * `watched`: whether the failed vertex seen in the status stream may be used (not before the build exists).
   */
  buildError(err: unknown, watched = true): BuildError {
    if (err instanceof BuildError) return err;
    const rpc = err instanceof RpcError ? err : undefined;
    const message = rpc?.details ?? (err instanceof Error ? err.message : String(err));
    const vertex = (rpc && failingVertex(rpc)) ?? (watched ? this.#failedVertex : undefined);
    return new BuildError(message, vertex, this.locate(message, vertex, rpc), {
      cause: err,
      step: vertex && this.#names.get(vertex),
      sourceText: rpc && engineSource(rpc)?.text,
      exitCode: rpc && exitCodeOf(rpc),
    });
  }
}
