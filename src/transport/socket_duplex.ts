/**
 * A Duplex over a socket that first replays bytes already read from it.
 *
 * After an HTTP upgrade the engine's first HTTP/2 bytes often arrive in the same
 * read as the `101` response. Node and Deno accept them back via
 * `socket.unshift()`, but Bun's http2 ignores bytes buffered that way; handing
 * HTTP/2 this Duplex instead works on every runtime.
 *
 * @module
 */
import { Duplex } from "node:stream";
import type { Socket } from "node:net";

/**
 * Wraps `socket`, emitting `leftover` before anything else read from it.
 *
 * @example
 * ```ts
 * import { connect } from "node:net";
 * import { SocketDuplex } from "./socket_duplex.ts";
 * const socket = connect("/var/run/docker.sock");
 * const stream = new SocketDuplex(socket, new Uint8Array()); // reads what socket reads
 * ```
 */
export class SocketDuplex extends Duplex {
  readonly #socket: Socket;

  constructor(socket: Socket, leftover: Uint8Array) {
    super({ allowHalfOpen: true });
    this.#socket = socket;
    if (leftover.byteLength > 0) this.push(leftover);
    socket.on("data", (chunk: Uint8Array) => {
      if (!this.push(chunk)) socket.pause();
    });
    socket.on("end", () => this.push(null));
    socket.on("error", (err) => this.destroy(err));
    socket.on("close", () => {
      if (!this.destroyed) this.destroy();
    });
    socket.resume();
  }

  override _read(): void {
    this.#socket.resume();
  }

  override _write(chunk: Uint8Array, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.#socket.write(chunk, cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.#socket.end(cb);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.#socket.destroy(err ?? undefined);
    cb(err);
  }

  // HTTP/2 implementations call these socket methods on their connection.
  setNoDelay(noDelay?: boolean): this {
    this.#socket.setNoDelay?.(noDelay);
    return this;
  }
  setKeepAlive(enable?: boolean, delay?: number): this {
    this.#socket.setKeepAlive?.(enable, delay);
    return this;
  }
  setTimeout(ms: number, cb?: () => void): this {
    this.#socket.setTimeout?.(ms, cb);
    return this;
  }
  ref(): this {
    this.#socket.ref?.();
    return this;
  }
  unref(): this {
    this.#socket.unref?.();
    return this;
  }
  get remoteAddress(): string | undefined {
    return this.#socket.remoteAddress;
  }
  get remotePort(): number | undefined {
    return this.#socket.remotePort;
  }
  get localAddress(): string | undefined {
    return this.#socket.localAddress;
  }
  get localPort(): number | undefined {
    return this.#socket.localPort;
  }
  get encrypted(): boolean {
    return false;
  }
}
