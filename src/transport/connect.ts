/**
 * Connecting to the first engine that answers, with exponential backoff and an
 * error that says what was tried.
 *
 * @module
 */
import { statSync } from "node:fs";
import { DrydockError } from "../core/errors.ts";
import type { EngineAddress } from "./address.ts";
import { BuildkitdTransport } from "./buildkitd.ts";
import { describeDialError } from "./dial.ts";
import { DockerTransport } from "./docker.ts";
import { RpcError } from "./rpc.ts";
import type { Transport } from "./transport.ts";

/** Options of {@link connect}. */
export interface ConnectOptions {
  /** Give up after this long. @default 5000 */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** No engine answered before the timeout. */
export class EngineUnavailableError extends DrydockError {
  /** The class name, shown before the message in stack traces. */
  override name = "EngineUnavailableError";
  /**
   * Engine discovery throws it; the message lists every address tried and what to do.
   *
   * @param attempts Each address tried, and why it did not answer.
   */
  constructor(readonly attempts: readonly { address: EngineAddress; reason: string }[]) {
    super("E_ENGINE_UNAVAILABLE", describe(attempts));
  }
}

function describe(attempts: readonly { address: EngineAddress; reason: string }[]): string {
  const tried = attempts.map((a) => `${a.address.text} (${a.address.origin}: ${a.reason})`);
  const list = tried.length === 1 ? tried[0] : tried.slice(0, -1).join(", ") + " and " + tried.at(-1);
  return `Cannot reach a BuildKit engine. Tried ${list}. ` +
    "Start Docker Engine (for example `sudo systemctl start docker`) or a buildkitd, " +
    "or point BUILDKIT_HOST (buildkitd) or DOCKER_HOST (Docker) at a running engine, " +
    "e.g. BUILDKIT_HOST=tcp://127.0.0.1:1234.";
}

/**
 * Opens a transport to the first candidate that answers a ping, retrying with
 * exponential backoff (50 ms doubling to 1 s) until the timeout.
 *
 * @example
 * ```ts
 * import { connect } from "./connect.ts";
 * import { engineCandidates } from "./discover.ts";
 * const transport = await connect(engineCandidates({ DOCKER_HOST: "unix:///var/run/docker.sock" }));
 * await transport.close();
 * ```
 */
export async function connect(
  candidates: readonly EngineAddress[],
  options: ConnectOptions = {},
): Promise<Transport> {
  const deadline = Date.now() + (options.timeoutMs ?? 5_000);
  const reasons = new Map<EngineAddress, string>();
  let delay = 50;
  for (;;) {
    for (const address of candidates) {
      options.signal?.throwIfAborted();
      const transport = address.engine === "docker"
        ? await DockerTransport.open(address)
        : BuildkitdTransport.open(address);
      try {
        await transport.ping(options.signal);
        return transport;
      } catch (err) {
        await transport.close();
        options.signal?.throwIfAborted();
        reasons.set(address, reasonOf(err, address));
      }
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      const attempts = [];
      for (const address of candidates) {
        let reason = reasons.get(address)!;
        // BUILDKIT_HOST pointed at a Docker socket: gRPC cannot speak to its HTTP API directly.
        if (address.engine !== "docker" && address.socket.kind === "unix" && await isDockerSocket(address)) {
          reason = `this is a Docker Engine socket; use DOCKER_HOST=unix://${address.socket.path} ` +
            `(or BUILDKIT_HOST=docker+unix://${address.socket.path})`;
        }
        attempts.push({ address, reason });
      }
      throw new EngineUnavailableError(attempts);
    }
    await sleep(Math.min(delay, left), options.signal);
    delay = Math.min(delay * 2, 1_000);
  }
}

function reasonOf(err: unknown, address: EngineAddress): string {
  if (err instanceof RpcError) return err.grpcCode === 14 ? `unavailable: ${err.details}` : err.details;
  // A regular file refuses connections like a socket nobody listens on: say what it is.
  if ((err as { code?: string })?.code === "ECONNREFUSED" && address.socket.kind === "unix") {
    if (isRegularFile(address.socket.path)) return "that path is a regular file, not a socket";
  }
  return describeDialError(err);
}

function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

async function isDockerSocket(address: EngineAddress): Promise<boolean> {
  const docker = await DockerTransport.open({ ...address, engine: "docker" });
  try {
    await docker.ping(AbortSignal.timeout(2_000));
    return true;
  } catch {
    return false;
  } finally {
    await docker.close();
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}
