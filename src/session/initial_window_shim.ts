/**
 * Turns the engine's changes of SETTINGS_INITIAL_WINDOW_SIZE into WINDOW_UPDATE frames, on the way into
 * Bun's HTTP/2 server.
 *
 * The engine is the HTTP/2 client of the session, and grpc-go raises the window of every open stream by
 * announcing a larger initial window (its bandwidth estimator does this early in every large transfer),
 * never with a WINDOW_UPDATE. Bun's server (1.4.5) applies such a raise to a stream whose window is used
 * up, but not to one that still has room (oven-sh/bun#41329): from then on grpc-go waits for data that Bun
 * believes it may not send, and the transfer stops for good (frames logged from a stalled 128 MiB upload:
 * Bun stopped at the window it had before two raises). Here the setting is taken out of the engine's
 * SETTINGS frames, and the same credit is given as WINDOW_UPDATEs: to each open stream at the raise,
 * and to each stream opened after it. Both peers then agree on every window, and Bun's flow-control
 * code sees only what it handles well.
 *
 * @module
 */
import { Duplex } from "node:stream";

const PREFACE_BYTES = 24;
const FRAME_HEADER_BYTES = 9;
const DEFAULT_INITIAL_WINDOW = 65_535;

const DATA = 0x0;
const HEADERS = 0x1;
const RST_STREAM = 0x3;
const SETTINGS = 0x4;
const WINDOW_UPDATE = 0x8;
const CONTINUATION = 0x9;

const END_STREAM = 0x1;
const ACK = 0x1;
const END_HEADERS = 0x4;

const SETTINGS_INITIAL_WINDOW_SIZE = 0x4;

interface FrameHeader {
  readonly length: number;
  readonly type: number;
  readonly flags: number;
  readonly stream: number;
}

/**
 * Finds the frame boundaries in one direction of an HTTP/2 connection, across chunk boundaries.
 * `onHeader` sees each frame's header; a frame whose payload it wants whole (it returns true) is
 * handed to `onFrame` with its payload, else its payload passes by in pieces.
 */
class FrameScanner {
  #skip: number;
  readonly #header = new Uint8Array(FRAME_HEADER_BYTES);
  #headerFill = 0;
  #current: FrameHeader | undefined;
  #payloadLeft = 0;
  #held: Uint8Array | undefined;
  #heldFill = 0;

  constructor(
    skip: number,
    readonly onHeader: (header: FrameHeader, bytes: Uint8Array) => boolean,
    readonly onPayload: (piece: Uint8Array) => void,
    readonly onFrameEnd: (header: FrameHeader) => void,
    readonly onFrame: (header: FrameHeader, payload: Uint8Array) => void,
  ) {
    this.#skip = skip;
  }

  scan(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, chunk.length - at);
        this.onPayload(chunk.subarray(at, at + n));
        this.#skip -= n;
        at += n;
      } else if (this.#held) {
        const n = Math.min(this.#held.length - this.#heldFill, chunk.length - at);
        this.#held.set(chunk.subarray(at, at + n), this.#heldFill);
        this.#heldFill += n;
        at += n;
        if (this.#heldFill === this.#held.length) {
          const held = this.#held;
          this.#held = undefined;
          this.onFrame(this.#current!, held);
        }
      } else if (this.#payloadLeft > 0) {
        const n = Math.min(this.#payloadLeft, chunk.length - at);
        this.onPayload(chunk.subarray(at, at + n));
        this.#payloadLeft -= n;
        at += n;
        if (this.#payloadLeft === 0) this.onFrameEnd(this.#current!);
      } else {
        const n = Math.min(FRAME_HEADER_BYTES - this.#headerFill, chunk.length - at);
        this.#header.set(chunk.subarray(at, at + n), this.#headerFill);
        this.#headerFill += n;
        at += n;
        if (this.#headerFill === FRAME_HEADER_BYTES) this.#startFrame();
      }
    }
  }

  #startFrame(): void {
    const h = this.#header;
    this.#headerFill = 0;
    const header: FrameHeader = {
      length: (h[0] << 16) | (h[1] << 8) | h[2],
      type: h[3],
      flags: h[4],
      stream: ((h[5] & 0x7f) << 24) | (h[6] << 16) | (h[7] << 8) | h[8],
    };
    this.#current = header;
    if (this.onHeader(header, h)) {
      this.#held = new Uint8Array(header.length);
      this.#heldFill = 0;
      if (header.length === 0) {
        this.#held = undefined;
        this.onFrame(header, new Uint8Array(0));
      }
      return;
    }
    this.#payloadLeft = header.length;
    if (header.length === 0) this.onFrameEnd(header);
  }
}

function frameHeader(length: number, type: number, flags: number, stream: number): Uint8Array {
  return new Uint8Array([
    (length >>> 16) & 0xff,
    (length >>> 8) & 0xff,
    length & 0xff,
    type,
    flags,
    (stream >>> 24) & 0x7f,
    (stream >>> 16) & 0xff,
    (stream >>> 8) & 0xff,
    stream & 0xff,
  ]);
}

function settingsParam(id: number, value: number): Uint8Array {
  return new Uint8Array([
    id >>> 8,
    id & 0xff,
    (value >>> 24) & 0xff,
    (value >>> 16) & 0xff,
    (value >>> 8) & 0xff,
    value & 0xff,
  ]);
}

function windowUpdate(stream: number, increment: number): Uint8Array {
  const frame = new Uint8Array(FRAME_HEADER_BYTES + 4);
  frame.set(frameHeader(4, WINDOW_UPDATE, 0, stream));
  frame[9] = (increment >>> 24) & 0x7f;
  frame[10] = (increment >>> 16) & 0xff;
  frame[11] = (increment >>> 8) & 0xff;
  frame[12] = increment & 0xff;
  return frame;
}

/**
 * The server side of an HTTP/2 connection (bytes from the client are read from it, the server's written
 * to it) with the client's initial-window changes given as WINDOW_UPDATEs instead (see the module's
 * comment). A lowered initial window (grpc-go never lowers it) lowers the server's by as much.
 *
 * @example
 * ```ts
 * import { PassThrough } from "node:stream";
 * import { InitialWindowShim } from "./initial_window_shim.ts";
 * const connection = new InitialWindowShim(new PassThrough()); // hand this to the HTTP/2 server
 * connection.destroy();
 * ```
 */
export class InitialWindowShim extends Duplex {
  readonly #inner: Duplex;
  readonly #incoming: FrameScanner;
  readonly #outgoing: FrameScanner;
  /** Pieces of the client's bytes scanned so far in this chunk, to hand on. */
  #pieces: Uint8Array[] = [];
  /** The initial window the client announced. */
  #clientInitial = DEFAULT_INITIAL_WINDOW;
  /** The initial window the server believes in: the client's, less the credit given as WINDOW_UPDATEs. */
  #serverInitial = DEFAULT_INITIAL_WINDOW;
  /** Client streams the server may still send on. */
  readonly #open = new Set<number>();
  #highestStream = 0;
  /** A new stream whose header block continues in CONTINUATION frames. */
  #opening: number | undefined;

  constructor(inner: Duplex) {
    super({ allowHalfOpen: true });
    this.#inner = inner;
    this.#incoming = new FrameScanner(
      PREFACE_BYTES,
      (header, bytes) => {
        if (header.type === SETTINGS && !(header.flags & ACK)) return true;
        this.#pieces.push(bytes.slice());
        return false;
      },
      (piece) => this.#pieces.push(piece),
      (header) => this.#clientFrameEnd(header),
      (header, payload) => this.#settings(header, payload),
    );
    this.#outgoing = new FrameScanner(
      0,
      (header) => {
        const ends = (header.type === DATA || header.type === HEADERS) && header.flags & END_STREAM;
        if (ends || header.type === RST_STREAM) this.#open.delete(header.stream);
        return false;
      },
      () => {},
      () => {},
      () => {},
    );
    inner.on("data", (chunk: Uint8Array) => {
      this.#incoming.scan(chunk);
      const pieces = this.#pieces;
      this.#pieces = [];
      let more = true;
      for (const piece of pieces) more = this.push(piece);
      if (!more) inner.pause();
    });
    inner.on("end", () => this.push(null));
    inner.on("error", (err) => this.destroy(err));
    inner.on("close", () => {
      if (!this.destroyed) this.destroy();
    });
  }

  #clientFrameEnd(header: FrameHeader): void {
    if (header.type === HEADERS && header.stream > this.#highestStream) {
      this.#highestStream = header.stream;
      if (header.flags & END_HEADERS) this.#opened(header.stream);
      else this.#opening = header.stream;
    } else if (
      header.type === CONTINUATION && header.stream === this.#opening && header.flags & END_HEADERS
    ) {
      this.#opening = undefined;
      this.#opened(header.stream);
    } else if (header.type === RST_STREAM) {
      this.#open.delete(header.stream);
    }
  }

  #opened(stream: number): void {
    this.#open.add(stream);
    const credit = this.#clientInitial - this.#serverInitial;
    if (credit > 0) this.#pieces.push(windowUpdate(stream, credit));
  }

  #settings(header: FrameHeader, payload: Uint8Array): void {
    const kept: Uint8Array[] = [];
    let raise = 0;
    for (let i = 0; i + 6 <= payload.length; i += 6) {
      const param = payload.subarray(i, i + 6);
      const id = (param[0] << 8) | param[1];
      const value = ((param[2] << 24) >>> 0) + ((param[3] << 16) | (param[4] << 8) | param[5]);
      if (id !== SETTINGS_INITIAL_WINDOW_SIZE) {
        kept.push(param);
      } else if (value >= this.#clientInitial) {
        raise += value - this.#clientInitial;
        this.#clientInitial = value;
      } else {
        // Credit given cannot be taken back: the server is told to lower its belief by the same amount.
        this.#serverInitial = Math.max(0, this.#serverInitial - (this.#clientInitial - value));
        this.#clientInitial = value;
        kept.push(settingsParam(id, this.#serverInitial));
      }
    }
    const frame = new Uint8Array(FRAME_HEADER_BYTES + kept.length * 6);
    frame.set(frameHeader(kept.length * 6, SETTINGS, header.flags, 0));
    kept.forEach((param, i) => frame.set(param, FRAME_HEADER_BYTES + i * 6));
    this.#pieces.push(frame);
    if (raise > 0) { for (const stream of this.#open) this.#pieces.push(windowUpdate(stream, raise)); }
  }

  override _read(): void {
    this.#inner.resume();
  }

  override _write(chunk: Uint8Array, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.#outgoing.scan(chunk);
    this.#inner.write(chunk, cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.#inner.end(cb);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.#inner.destroy(err ?? undefined);
    cb(err);
  }

  // HTTP/2 servers call these socket methods on their connection.
  setNoDelay(noDelay?: boolean): this {
    (this.#inner as Partial<SocketLike>).setNoDelay?.(noDelay);
    return this;
  }
  setKeepAlive(enable?: boolean, delay?: number): this {
    (this.#inner as Partial<SocketLike>).setKeepAlive?.(enable, delay);
    return this;
  }
  setTimeout(ms: number, cb?: () => void): this {
    (this.#inner as Partial<SocketLike>).setTimeout?.(ms, cb);
    return this;
  }
  ref(): this {
    (this.#inner as Partial<SocketLike>).ref?.();
    return this;
  }
  unref(): this {
    (this.#inner as Partial<SocketLike>).unref?.();
    return this;
  }
}

interface SocketLike {
  setNoDelay(noDelay?: boolean): unknown;
  setKeepAlive(enable?: boolean, delay?: number): unknown;
  setTimeout(ms: number, cb?: () => void): unknown;
  ref(): unknown;
  unref(): unknown;
}
