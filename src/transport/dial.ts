/**
 * Opening raw sockets to an address, with errors that say what failed.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import { connect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { Buffer } from "node:buffer";
import type { SocketAddress, TlsOptions } from "./address.ts";

/**
 * Connects to a unix or TCP address (TLS when `tls` is given).
 *
 * @example
 * ```ts
 * import { dial } from "./dial.ts";
 * const socket = await dial({ kind: "unix", path: "/var/run/docker.sock" });
 * socket.destroy();
 * ```
 */
export function dial(address: SocketAddress, tls?: TlsOptions, signal?: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket: Socket = address.kind === "unix" ? connect({ path: address.path }) : tls
      ? tlsConnect({
        host: address.host,
        port: address.port,
        ca: tls.ca && Buffer.from(tls.ca),
        cert: tls.cert && Buffer.from(tls.cert),
        key: tls.key && Buffer.from(tls.key),
        servername: tls.serverName ?? address.host,
      })
      : connect({ host: address.host, port: address.port });
    const ready = tls && address.kind === "tcp" ? "secureConnect" : "connect";
    const onAbort = () => {
      socket.destroy();
      reject(signal?.reason ?? new DrydockError("E_INTERRUPTED", "aborted"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    socket.once(ready, () => {
      signal?.removeEventListener("abort", onAbort);
      socket.off("error", onError);
      resolve(socket);
    });
    const onError = (err: Error) => {
      signal?.removeEventListener("abort", onAbort);
      reject(err);
    };
    socket.once("error", onError);
  });
}

/**
 * A short human reason for a connection failure.
 *
 * @example
 * ```ts
 * import { describeDialError } from "./dial.ts";
 * describeDialError(Object.assign(new Error("x"), { code: "ENOENT" })); // "no socket at that path"
 * ```
 */
export function describeDialError(err: unknown): string {
  const code = (err as { code?: string })?.code;
  switch (code) {
    case "ENOENT":
      return "no socket at that path";
    case "ECONNREFUSED":
      return "connection refused (nothing is listening)";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOTSOCK":
      return "that path is not a socket";
    case "ETIMEDOUT":
      return "connection timed out";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host name not found";
    case "ECONNRESET":
      return "connection reset by the engine";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "host unreachable";
  }
  return err instanceof Error ? err.message : String(err);
}
