/**
 * A unix-socket relay in front of the engine that counts the bytes each way: the clients are pointed at it
 * (`DOCKER_HOST=unix://<relay>`), so what buildx and drydock send is measured the same way, from outside.
 *
 * @module
 */
import { createConnection, createServer, type Server, type Socket } from "node:net";

/** Bytes relayed since the last {@link ByteCounter.reset}. */
export interface ByteCount {
  /** Client to engine. */
  sent: number;
  /** Engine to client. */
  received: number;
}

/**
 * Relays every connection to `upstream` (a unix socket path) and counts the bytes.
 *
 * @example
 * ```ts
 * import { ByteCounter } from "./byte_counter.ts";
 * const counter = await ByteCounter.listen("/tmp/relay.sock", "/var/run/docker.sock");
 * // ... run a client with DOCKER_HOST=unix:///tmp/relay.sock, then:
 * console.log(counter.take()); // { sent: ..., received: ... }
 * await counter.close();
 * ```
 */
export class ByteCounter {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #count: ByteCount = { sent: 0, received: 0 };

  private constructor(server: Server) {
    this.#server = server;
  }

  /** Listens on `path`, relaying to the unix socket `upstream`. */
  static listen(path: string, upstream: string): Promise<ByteCounter> {
    const server = createServer();
    const counter = new ByteCounter(server);
    server.on("connection", (client) => counter.#relay(client, upstream));
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(path, () => resolve(counter));
    });
  }

  /** The count since the last call (or since listening), and a fresh start. */
  take(): ByteCount {
    const count = this.#count;
    this.#count = { sent: 0, received: 0 };
    return count;
  }

  /** Stops listening and drops open connections. */
  close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #relay(client: Socket, upstream: string): void {
    const engine = createConnection(upstream);
    for (const s of [client, engine]) {
      this.#sockets.add(s);
      s.on("close", () => this.#sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        engine.destroy();
      });
    }
    client.on("data", (chunk: Uint8Array) => {
      this.#count.sent += chunk.length;
      if (!engine.write(chunk)) client.pause();
    });
    engine.on("drain", () => client.resume());
    engine.on("data", (chunk: Uint8Array) => {
      this.#count.received += chunk.length;
      if (!client.write(chunk)) engine.pause();
    });
    client.on("drain", () => engine.resume());
    client.on("end", () => engine.end());
    engine.on("end", () => client.end());
  }
}
