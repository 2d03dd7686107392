/**
 * An engine that went away during a build (killed, crashed, frozen): said
 * with the engine's address and the steps that were running, instead of the
 * transport's "Connection dropped".
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import type { StatusResponse } from "../proto/moby_buildkit_v1.gen.ts";
import { RpcError } from "../transport/rpc.ts";

/** The engine stopped answering or closed the connection mid-build. */
export class EngineLostError extends DrydockError {
  override name = "EngineLostError";
  constructor(message: string, readonly runningSteps: readonly string[], options?: ErrorOptions) {
    super("E_ENGINE_LOST", message, options);
  }
}

/**
 * Which steps the engine has started and not finished, from its status updates.
 *
 * @example
 * ```ts
 * import { RunningSteps } from "./engine_lost.ts";
 * const running = new RunningSteps();
 * running.update({ vertexes: [{ digest: "sha256:a", name: "RUN make", started: { seconds: 1n } }] });
 * running.list(() => undefined); // ["RUN make"]
 * ```
 */
export class RunningSteps {
  readonly #running = new Map<string, string>();

  /** Takes one status update. */
  update(status: StatusResponse): void {
    for (const v of status.vertexes ?? []) {
      if (!v.digest) continue;
      if (v.started && !v.completed) this.#running.set(v.digest, v.name ?? v.digest);
      else this.#running.delete(v.digest);
    }
  }

  /** The running steps' names, progress names (`[app 2/3] RUN make`) where known. */
  list(nameOf: (digest: string) => string | undefined): string[] {
    return [...this.#running].map(([digest, name]) => nameOf(digest) ?? name);
  }
}

/** How the engine was lost. */
export type LossKind = "closed" | "unresponsive";

/**
 * True for errors that mean the connection to the engine is gone (gRPC UNAVAILABLE and the like).
 *
 * @example
 * ```ts
 * import { isConnectionLoss } from "./engine_lost.ts";
 * import { RpcError } from "../transport/rpc.ts";
 * isConnectionLoss(new RpcError("/moby.buildkit.v1.Control/Solve", 14, "Connection dropped")); // true
 * ```
 */
export function isConnectionLoss(err: unknown): boolean {
  return err instanceof RpcError && err.grpcCode === 14;
}

/**
 * The error for an engine lost mid-build, naming it and the running steps.
 *
 * @example
 * ```ts
 * import { engineLost } from "./engine_lost.ts";
 * engineLost("the Docker engine at unix:///var/run/docker.sock", "closed", ["[app 2/3] RUN make"]).message;
 * ```
 */
export function engineLost(
  engine: string,
  kind: LossKind,
  running: readonly string[],
  options?: ErrorOptions,
): EngineLostError {
  const what = kind === "closed"
    ? `${engine} closed the connection during the build (it was stopped or crashed)`
    : `${engine} stopped answering during the build (no reply to keepalive pings; is it frozen or overloaded?)`;
  const steps = running.length === 0 ? "; no step was running" : `; running: ${running.join(", ")}`;
  return new EngineLostError(what + steps, running, options);
}

/** Options of {@link watchEngine}. */
export interface WatchEngineOptions {
  /** Milliseconds between probes. @default 4000 */
  intervalMs?: number;
  /** A probe unanswered this long means the engine is unresponsive. @default 10000 */
  timeoutMs?: number;
}

/**
 * Probes the engine with its ping (Docker's `/_ping`, BuildKit's ListWorkers)
 * on a fresh request while a build runs, and calls `onUnresponsive` once if a
 * probe gets no answer in time. This works the same on every runtime, where
 * HTTP/2 keepalive depends on the runtime's http2 module; a refused or
 * dropped connection is left to the build's own calls, which fail at once.
 * Returns the function that stops watching.
 *
 * @example
 * ```ts
 * import { watchEngine } from "./engine_lost.ts";
 * // const stop = watchEngine(transport, () => abort(engineLost(...)));
 * // ... finally: stop();
 * ```
 */
export function watchEngine(
  transport: { ping(signal?: AbortSignal): Promise<void> },
  onUnresponsive: () => void,
  options: WatchEngineOptions = {},
): () => void {
  const interval = options.intervalMs ?? 4_000;
  const timeout = options.timeoutMs ?? 10_000;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let probe: AbortController | undefined;
  const schedule = () => {
    timer = setTimeout(async () => {
      probe = new AbortController();
      const late = setTimeout(() => probe?.abort(), timeout);
      try {
        await transport.ping(probe.signal);
      } catch {
        if (probe.signal.aborted && !stopped) {
          stopped = true;
          onUnresponsive();
        }
      } finally {
        clearTimeout(late);
      }
      if (!stopped) schedule();
    }, interval);
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
    probe?.abort();
  };
}
