/**
 * How `load: true` image outputs are built: on Docker's own BuildKit the image export already stores the
 * image in Docker; on a standalone BuildKit each becomes a `docker` tarball export streamed into a Docker
 * Engine's image load (the image output itself stays only to push).
 *
 * @module
 */
import type { EngineAddress } from "../transport/address.ts";
import { DockerLoadSink } from "./docker_load.ts";
import { type BuildOutput, type ImageTarballOutput, UnsupportedOutputError } from "./outputs.ts";

/** The outputs to build and the loads that go with them. */
export interface LoadPlan {
  readonly outputs: BuildOutput[];
  /** The sink of each tarball output that goes into Docker. */
  readonly sinks: ReadonlyMap<BuildOutput, DockerLoadSink>;
  /** Awaits a solve of `group`, then finishes its loads (or abandons them if the solve failed). */
  during<T>(solving: Promise<T>, group: readonly BuildOutput[]): Promise<T>;
  /** Image names Docker reported loaded so far. */
  readonly loaded: string[];
}

/**
 * Plans the loads of `outputs` on an engine reached as `engine`.
 *
 * @example
 * ```ts
 * import { loadPlan } from "./load_plan.ts";
 * loadPlan([{ type: "image", name: "app:1", load: true }], "docker", undefined).outputs.length; // 1: stored as usual
 * ```
 */
export function loadPlan(
  outputs: readonly BuildOutput[],
  engine: "docker" | "buildkitd",
  into: EngineAddress | undefined,
  signal?: AbortSignal,
): LoadPlan {
  const planned: BuildOutput[] = [];
  const sinks = new Map<BuildOutput, DockerLoadSink>();
  for (const o of outputs) {
    if (o.type !== "image" || !o.load || engine === "docker") {
      planned.push(o);
      continue;
    }
    if (!into) {
      throw new UnsupportedOutputError(
        "load: true needs a Docker Engine to load the image into: set DOCKER_HOST or a docker context",
      );
    }
    const { type: _t, push, pushByDigest: _p, insecure: _i, store: _s, load: _l, ...format } = o;
    const tarball: ImageTarballOutput = { ...format, type: "docker", dest: `docker load into ${into.text}` };
    planned.push(tarball);
    sinks.set(tarball, new DockerLoadSink(into, signal));
    // The standalone engine's own store is of no use to the caller; a push still needs the image exporter.
    if (push) planned.push({ ...o, load: false });
  }
  const loaded: string[] = [];
  return {
    outputs: planned,
    sinks,
    loaded,
    async during(solving, group) {
      const mine = group.flatMap((o) => sinks.get(o) ?? []);
      let value;
      try {
        value = await solving;
      } catch (err) {
        for (const sink of mine) sink.destroy();
        throw err;
      }
      for (const sink of mine) {
        sink.end();
        loaded.push(...(await sink.result).images);
      }
      return value;
    },
  };
}
