/**
 * Docker Engine's embedded BuildKit: the Control API after `POST /grpc` and
 * sessions after `POST /session`, both upgraded to HTTP/2 on the Docker socket.
 *
 * grpc-js cannot perform an HTTP upgrade itself, so the Control API goes
 * through a private unix socket in a 0700 temp dir: each connection grpc-js
 * opens there is upgraded on a fresh Docker connection and piped through.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import * as grpc from "@grpc/grpc-js";
import { createServer, type Server, type Socket } from "node:net";
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import { onExit } from "../core/exit_cleanup.ts";
import { makeOwnedTempDir } from "../core/owned_temp.ts";
import { type EngineAddress, formatSocketAddress } from "./address.ts";
import { dial } from "./dial.ts";
import { dockerApiRequest, type DockerApiResponse } from "./docker_api.ts";
import { upgrade } from "./http_upgrade.ts";
import { RpcClient } from "./rpc.ts";
import { SocketDuplex } from "./socket_duplex.ts";
import type { Transport } from "./transport.ts";

/**
 * A connection to Docker's BuildKit.
 *
 * @example
 * ```ts
 * import { DockerTransport } from "./docker.ts";
 * import { discoverEngine } from "./discover.ts";
 * const docker = await DockerTransport.open(discoverEngine({}));
 * await docker.ping();
 * await docker.close();
 * ```
 */
export class DockerTransport implements Transport {
  readonly engine = "docker" as const;
  readonly address: string;
  readonly rpc: RpcClient;
  readonly #target: EngineAddress;
  readonly #pipe: Server;
  readonly #dir: string;
  readonly #sockets = new Set<Socket>();
  readonly #forgetDir: () => void;
  #closed = false;

  private constructor(target: EngineAddress, pipe: Server, dir: string) {
    this.#target = target;
    this.#pipe = pipe;
    this.#dir = dir;
    this.#forgetDir = onExit(() => rmSync(dir, { recursive: true, force: true }));
    this.address = formatSocketAddress(target.socket);
    this.rpc = new RpcClient(`unix://${join(dir, "grpc.sock")}`, grpc.credentials.createInsecure());
  }

  /** Starts the local pipe; connections to Docker are made lazily, per call. */
  static async open(target: EngineAddress): Promise<DockerTransport> {
    // Named after this process, so that the next start removes it should this one be SIGKILLed.
    const dir = makeOwnedTempDir("drydock");
    const pipe = createServer();
    const transport = new DockerTransport(target, pipe, dir);
    pipe.on("connection", (local) => transport.#relay(local));
    await new Promise<void>((resolve, reject) => {
      pipe.once("error", reject);
      pipe.listen(join(dir, "grpc.sock"), () => resolve());
    });
    return transport;
  }

  async #relay(local: Socket): Promise<void> {
    this.#sockets.add(local);
    local.on("close", () => this.#sockets.delete(local));
    local.on("error", () => local.destroy());
    local.pause();
    let remote: Socket;
    try {
      remote = await dial(this.#target.socket, this.#target.tls);
      this.#sockets.add(remote);
      remote.on("close", () => this.#sockets.delete(remote));
      const { leftover } = await upgrade(remote, "/grpc", {});
      if (leftover.byteLength > 0) local.write(leftover);
    } catch {
      // grpc-js sees the connection drop and reports UNAVAILABLE; ping() says why.
      local.destroy();
      return;
    }
    remote.on("error", () => local.destroy());
    local.pipe(remote);
    remote.pipe(local);
    remote.resume();
    local.resume();
  }

  async ping(signal?: AbortSignal): Promise<void> {
    const socket = await dial(this.#target.socket, this.#target.tls, signal);
    try {
      const body = await httpGet(socket, "/_ping", signal);
      if (body.status !== 200) {
        // An HTML page (a web server's 404) says only that this is not a Docker Engine API.
        const shown = /^\s*</.test(body.text)
          ? "an HTML page, so this is not a Docker Engine API socket"
          : body.text.trim().slice(0, 200);
        throw new DrydockError("E_ENGINE_UNAVAILABLE", `GET /_ping answered HTTP ${body.status}: ${shown}`);
      }
    } finally {
      socket.destroy();
    }
  }

  dockerApi(
    method: string,
    path: string,
    headers?: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<DockerApiResponse> {
    return dockerApiRequest(this.#target, method, path, headers, signal);
  }

  async openSession(
    headers: Record<string, string | readonly string[]>,
    signal?: AbortSignal,
  ): Promise<Duplex> {
    const socket = await dial(this.#target.socket, this.#target.tls, signal);
    this.#sockets.add(socket);
    socket.on("close", () => this.#sockets.delete(socket));
    const { leftover } = await upgrade(socket, "/session", headers, signal);
    return new SocketDuplex(socket, leftover);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.rpc.close();
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#pipe.close(() => resolve()));
    rmSync(this.#dir, { recursive: true, force: true });
    this.#forgetDir();
  }
}

/** A minimal HTTP/1.1 GET on an open socket; enough for `/_ping`. */
function httpGet(
  socket: Socket,
  path: string,
  signal?: AbortSignal,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(
      () => reject(new DrydockError("E_ENGINE_UNAVAILABLE", `GET ${path}: no answer within 10s`)),
      10_000,
    );
    const done = () => {
      clearTimeout(timer);
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      const body = text.slice(text.indexOf("\r\n\r\n") + 4);
      resolve({ status, text: body });
    };
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason ?? new DrydockError("E_INTERRUPTED", "aborted"));
    }, { once: true });
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      text += chunk;
      // `/_ping` answers with a tiny body; stop once headers and body are in.
      const head = text.indexOf("\r\n\r\n");
      if (head !== -1) {
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, head))?.[1] ?? NaN);
        if (!Number.isNaN(length) && text.length - head - 4 >= length) done();
      }
    });
    socket.on("end", done);
    socket.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.write(`GET ${path} HTTP/1.1\r\nHost: api.moby.localhost\r\nConnection: close\r\n\r\n`);
  });
}
