/**
 * A minimal HTTP/1.1 client for the Docker Engine API on a raw socket: enough
 * for calls whose answer is read to the end (`POST /images/{name}/push`).
 * node:http cannot dial through our `dial()` (TLS, abort) on every runtime.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import { Buffer } from "node:buffer";
import type { EngineAddress } from "./address.ts";
import { dial } from "./dial.ts";

/** One Engine API answer, body fully read. */
export interface DockerApiResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * Sends one request to Docker's API and reads the whole answer.
 *
 * @example
 * ```ts
 * import { dockerApiRequest } from "./docker_api.ts";
 * import { discoverEngine } from "./discover.ts";
 * const res = await dockerApiRequest(discoverEngine({}), "GET", "/_ping");
 * res.body; // "OK"
 * ```
 */
export async function dockerApiRequest(
  target: EngineAddress,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<DockerApiResponse> {
  const socket = await dial(target.socket, target.tls, signal);
  try {
    const raw = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const onAbort = () => reject(signal?.reason ?? new DrydockError("E_INTERRUPTED", "aborted"));
      signal?.addEventListener("abort", onAbort, { once: true });
      socket.on("data", (c: Buffer) => chunks.push(c));
      socket.on("end", () => resolve(Buffer.concat(chunks)));
      socket.on("error", reject);
      const lines = [
        `${method} ${path} HTTP/1.1`,
        "Host: api.moby.localhost",
        "Connection: close",
        "Content-Length: 0",
        ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      ];
      socket.write(lines.join("\r\n") + "\r\n\r\n");
    });
    return parseResponse(raw);
  } finally {
    socket.destroy();
  }
}

/**
 * Parses a complete HTTP/1.1 response (identity or chunked body).
 *
 * @example
 * ```ts
 * import { Buffer } from "node:buffer";
 * import { parseResponse } from "./docker_api.ts";
 * parseResponse(Buffer.from("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nOK\r\n0\r\n\r\n")).body; // "OK"
 * ```
 */
export function parseResponse(raw: Buffer): DockerApiResponse {
  const end = raw.indexOf("\r\n\r\n");
  if (end === -1) {
    throw new DrydockError("E_ENGINE_UNAVAILABLE", "the engine closed the connection before answering");
  }
  const head = raw.subarray(0, end).toString("latin1");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
  let body = raw.subarray(end + 4);
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    const parts: Buffer[] = [];
    let at = 0;
    while (at < body.length) {
      const lineEnd = body.indexOf("\r\n", at);
      if (lineEnd === -1) break;
      const size = parseInt(body.subarray(at, lineEnd).toString("latin1"), 16);
      if (!(size > 0)) break;
      parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  }
  return { status, body: body.toString("utf8") };
}
