/**
 * Docker's HTTP upgrade handshake: `POST /grpc` or `POST /session` with
 * `Upgrade: h2c`, answered by `101 Switching Protocols`, after which the socket
 * carries raw HTTP/2.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import type { Socket } from "node:net";
import { Buffer } from "node:buffer";

/** The socket after a successful upgrade, and any bytes read past the 101 response. */
export interface Upgraded {
  readonly socket: Socket;
  readonly leftover: Uint8Array;
}

/** The engine answered the upgrade with something other than 101. */
export class UpgradeError extends DrydockError {
  override name = "UpgradeError";
  constructor(readonly status: number, message: string) {
    super("E_UPGRADE", message);
  }
}

const MAX_HEADER_BYTES = 64 * 1024;

/**
 * Performs the upgrade on a freshly connected socket. `headers` may repeat a
 * name by giving an array of values.
 *
 * @example
 * ```ts
 * import { connect } from "node:net";
 * import { upgrade } from "./http_upgrade.ts";
 * const socket = connect("/var/run/docker.sock");
 * const { leftover } = await upgrade(socket, "/grpc", {});
 * ```
 */
export function upgrade(
  socket: Socket,
  path: string,
  headers: Record<string, string | readonly string[]>,
  signal?: AbortSignal,
): Promise<Upgraded> {
  const lines = [
    `POST ${path} HTTP/1.1`,
    "Host: api.moby.localhost",
    "Content-Length: 0",
    "Connection: Upgrade",
    "Upgrade: h2c",
  ];
  for (const [name, value] of Object.entries(headers)) {
    for (const v of typeof value === "string" ? [value] : value) lines.push(`${name}: ${v}`);
  }
  const request = lines.join("\r\n") + "\r\n\r\n";

  return new Promise<Upgraded>((resolve, reject) => {
    let buffered = new Uint8Array(0);
    const cleanup = () => {
      socket.off("data", onData);
      socket.off("error", onError);
      socket.off("close", onClose);
      signal?.removeEventListener("abort", onAbort);
    };
    const fail = (err: Error) => {
      cleanup();
      socket.destroy();
      reject(err);
    };
    const onError = (err: Error) => fail(err);
    const onClose = () => fail(new DrydockError("E_UPGRADE", `connection closed during the ${path} upgrade`));
    const onAbort = () =>
      fail(signal?.reason instanceof Error ? signal.reason : new DrydockError("E_INTERRUPTED", "aborted"));
    const onData = (chunk: Uint8Array) => {
      const next = new Uint8Array(buffered.byteLength + chunk.byteLength);
      next.set(buffered);
      next.set(chunk, buffered.byteLength);
      buffered = next;
      const end = indexOfHeaderEnd(buffered);
      if (end === -1) {
        if (buffered.byteLength > MAX_HEADER_BYTES) {
          fail(new DrydockError("E_UPGRADE", `response to ${path} upgrade is too large`));
        }
        return;
      }
      const head = new TextDecoder().decode(buffered.subarray(0, end));
      const rest = buffered.subarray(end + 4);
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      if (status === 101) {
        cleanup();
        socket.pause();
        resolve({ socket, leftover: rest });
        return;
      }
      // Errors come as JSON bodies, e.g. {"message":"no upgrade proto in request"}.
      socket.off("data", onData);
      socket.off("close", onClose);
      readBody(rest).then((body) => fail(new UpgradeError(status, describe(path, status, head, body))));
    };
    // Read the error body by its Content-Length, or until close or a short pause.
    const readBody = (initial: Uint8Array) =>
      new Promise<string>((done) => {
        const head = new TextDecoder().decode(buffered);
        const want = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? Infinity);
        const chunks = [initial];
        let got = initial.byteLength;
        const finish = () => {
          clearTimeout(timer);
          socket.off("data", more);
          socket.off("close", finish);
          done(new TextDecoder().decode(Buffer.concat(chunks)));
        };
        const more = (c: Uint8Array) => {
          chunks.push(c);
          got += c.byteLength;
          if (got >= want) finish();
        };
        const timer = setTimeout(finish, 1000);
        if (got >= want) return finish();
        socket.on("data", more);
        socket.on("close", finish);
        socket.resume();
      });
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort);
    socket.on("data", onData);
    socket.on("error", onError);
    socket.on("close", onClose);
    socket.write(request);
  });
}

function indexOfHeaderEnd(b: Uint8Array): number {
  for (let i = 0; i + 3 < b.byteLength; i++) {
    if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) return i;
  }
  return -1;
}

function describe(path: string, status: number, head: string, body: string): string {
  const json = body.slice(body.indexOf("{"));
  try {
    const message = (JSON.parse(json) as { message?: string }).message;
    if (message) return `${path} upgrade refused (HTTP ${status}): ${message}`;
  } catch { /* not JSON */ }
  const statusLine = head.split("\r\n")[0] || `HTTP ${status}`;
  return `${path} upgrade refused: ${statusLine}`;
}
