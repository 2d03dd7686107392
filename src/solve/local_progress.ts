/**
 * Progress of work drydock does itself inside a build (a container process,
 * a warning on an engine without `Warn`), as status updates shaped like the
 * engine's, so every renderer and the error report treat it like a step.
 *
 * @module
 */
import { createHash, randomBytes } from "node:crypto";
import type { StatusResponse } from "../proto/moby_buildkit_v1.gen.ts";
import type { Timestamp } from "../proto/google_protobuf.gen.ts";

/** Where status updates go: the build's progress. */
export type StatusSink = (status: StatusResponse) => void;

/**
 * The current time as a protobuf Timestamp.
 *
 * @example
 * ```ts
 * import { timestampNow } from "./local_progress.ts";
 * typeof timestampNow().seconds; // "bigint"
 * ```
 */
export function timestampNow(): Timestamp {
  const ms = Date.now();
  return { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

/**
 * A vertex digest for drydock's own work: stable for `seed`, or random without one.
 *
 * @example
 * ```ts
 * import { localVertex } from "./local_progress.ts";
 * localVertex("warning at build.ts:3") === localVertex("warning at build.ts:3"); // true
 * ```
 */
export function localVertex(seed?: string): string {
  const bytes = seed === undefined
    ? randomBytes(32)
    : createHash("sha256").update(`drydock:${seed}`).digest();
  return `sha256:${bytes.toString("hex")}`;
}

/**
 * One step of drydock's own work, shown in progress: started, logs, done or failed.
 *
 * @example
 * ```ts
 * import { LocalStep } from "./local_progress.ts";
 * const step = LocalStep.start((s) => console.log(s), "[test] EXEC go test ./...");
 * step.log(1, new TextEncoder().encode("ok\n"));
 * step.done();
 * ```
 */
export class LocalStep {
  readonly #sink: StatusSink;
  readonly #started = timestampNow();

  private constructor(sink: StatusSink, readonly digest: string, readonly name: string) {
    this.#sink = sink;
  }

  static start(sink: StatusSink, name: string): LocalStep {
    const step = new LocalStep(sink, localVertex(), name);
    sink({ vertexes: [{ digest: step.digest, name, started: step.#started }] });
    return step;
  }

  /** Output of the step: `stream` 1 is stdout, 2 stderr. */
  log(stream: number, msg: Uint8Array): void {
    this.#sink({ logs: [{ vertex: this.digest, stream: BigInt(stream), msg, timestamp: timestampNow() }] });
  }

  done(error?: string): void {
    this.#sink({
      vertexes: [{
        digest: this.digest,
        name: this.name,
        started: this.#started,
        completed: timestampNow(),
        ...(error ? { error } : {}),
      }],
    });
  }
}
