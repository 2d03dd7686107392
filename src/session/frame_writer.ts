/**
 * Writes many small gRPC messages to an HTTP/2 stream in few writes, and large ones in bounded pieces.
 *
 * @module
 */
/** The part of an HTTP/2 stream the writer uses. */
export interface FrameSink {
  write(chunk: Uint8Array, callback: (error?: Error | null) => void): boolean;
}

/** Options of {@link FrameWriter}. */
export interface FrameWriterOptions {
  /**
   * Largest single write; longer messages are split across writes (gRPC messages may span DATA frames).
   * @default Infinity
   */
  maxWriteBytes?: number;
  /**
   * Messages shorter than this are joined into one write of up to this many bytes.
   * @default 65536
   */
  joinBytes?: number;
  /**
   * Writes handed to the sink and not yet called back. Bun's HTTP/2 stream joins writes that queue up
   * into one larger write, so there it must be 1 for `maxWriteBytes` to hold.
   * @default 4
   */
  maxWritesInFlight?: number;
  /**
   * Bytes queued or in flight before {@link FrameWriter.write} stops resolving (backpressure).
   * @default 4 MiB
   */
  highWaterBytes?: number;
  /**
   * Messages queued and not yet taken for a write before {@link FrameWriter.write} stops resolving. Bytes
   * alone let a listing run ahead by tens of thousands of small STAT messages (11,822 measured on a
   * 50,000-file context, each a buffer and a queue slot kept alive across collections).
   * @default 1024
   */
  highWaterMessages?: number;
}

const resolved = Promise.resolve();
const EMPTY = new Uint8Array(0);

/**
 * Queues whole gRPC messages and writes them to a sink from a later event-loop turn: the small messages
 * queued meanwhile (a small file is a STAT, a DATA and an empty DATA) go out as one write instead of one
 * write and one callback each. Order is kept; memory is bounded by `highWaterBytes` plus one message, and
 * by `highWaterMessages` messages.
 *
 * @example
 * ```ts
 * import { FrameWriter } from "./frame_writer.ts";
 * const chunks: Uint8Array[] = [];
 * const writer = new FrameWriter({ write: (c, cb) => (chunks.push(c), cb(), true) });
 * await writer.write(new Uint8Array([0, 0, 0, 0, 0]));
 * await writer.write(new Uint8Array([0, 0, 0, 0, 0]));
 * await writer.drained(); // chunks: one write of 10 bytes
 * ```
 */
export class FrameWriter {
  readonly #sink: FrameSink;
  readonly #maxWrite: number;
  readonly #join: number;
  readonly #maxInFlight: number;
  readonly #highWater: number;
  readonly #highWaterMessages: number;
  /** Messages not fully written yet are `#queue[#head...]` (an index, as shift() is O(n) on long arrays). */
  #queue: Uint8Array[] = [];
  /** `#onWritten[i]` belongs to `#queue[i]`. */
  #onWritten: ((() => void) | undefined)[] = [];
  #head = 0;
  /** Bytes of `#queue[#head]` already written (when a message is split). */
  #headOffset = 0;
  #queuedBytes = 0;
  #inFlightBytes = 0;
  #inFlightWrites = 0;
  #scheduled = false;
  /** Join buffers whose writes were called back, for reuse. */
  readonly #joinBuffers: Uint8Array[] = [];
  #error: Error | undefined;
  #waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  #drainWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];

  constructor(sink: FrameSink, options: FrameWriterOptions = {}) {
    this.#sink = sink;
    this.#maxWrite = options.maxWriteBytes ?? Infinity;
    this.#join = Math.min(options.joinBytes ?? 64 * 1024, this.#maxWrite);
    this.#maxInFlight = options.maxWritesInFlight ?? 4;
    this.#highWater = options.highWaterBytes ?? 4 * 1024 * 1024;
    this.#highWaterMessages = options.highWaterMessages ?? 1024;
  }

  /**
   * Queues one message; resolves when more may be queued. The message must not be changed until
   * `onWritten` is called: once its bytes were copied or written and called back (never on failure).
   */
  write(message: Uint8Array, onWritten?: () => void): Promise<void> {
    if (this.#error) return Promise.reject(this.#error);
    this.#queue.push(message);
    this.#onWritten.push(onWritten);
    this.#queuedBytes += message.length;
    this.#schedule();
    if (this.#belowHighWater()) return resolved;
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** Resolves when everything queued was written and called back. */
  drained(): Promise<void> {
    if (this.#error) return Promise.reject(this.#error);
    if (this.#pending() === 0 && this.#inFlightWrites === 0) return resolved;
    return new Promise((resolve, reject) => this.#drainWaiters.push({ resolve, reject }));
  }

  /** Drops what is queued and fails current and later writes with `error`. */
  fail(error: Error): void {
    if (this.#error) return;
    this.#error = error;
    this.#queue = [];
    this.#onWritten = [];
    this.#head = 0;
    this.#queuedBytes = 0;
    for (const w of [...this.#waiters, ...this.#drainWaiters]) w.reject(error);
    this.#waiters = [];
    this.#drainWaiters = [];
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // A later turn, so the messages queued by this turn's work share writes, and so the sink is
    // never written from inside its own callbacks.
    setImmediate(() => {
      this.#scheduled = false;
      this.#pump();
    });
  }

  #pump(): void {
    while (!this.#error && this.#pending() > 0 && this.#inFlightWrites < this.#maxInFlight) {
      const done: (() => void)[] = [];
      const chunk = this.#nextChunk(done);
      this.#inFlightBytes += chunk.length;
      this.#inFlightWrites++;
      this.#sink.write(chunk, (error) => this.#written(chunk.length, done, error));
    }
    this.#wakeWriters(); // messages taken off the queue make room too
  }

  /**
   * Takes the next write off the queue: a piece of a long message, or short messages joined. Adds to
   * `done` the `onWritten` of messages that are finished once this write is called back.
   */
  #nextChunk(done: (() => void)[]): Uint8Array {
    const head = this.#queue[this.#head];
    const rest = head.length - this.#headOffset;
    if (rest >= this.#join || this.#pending() === 1) {
      const length = Math.min(rest, this.#maxWrite);
      const piece = head.subarray(this.#headOffset, this.#headOffset + length);
      const finished = this.#take(length);
      if (finished) done.push(finished);
      return piece;
    }
    const parts: Uint8Array[] = [];
    const finished: (() => void)[] = [];
    let length = 0;
    while (this.#pending() > 0) {
      const next = this.#queue[this.#head];
      const size = next.length - this.#headOffset;
      if (parts.length > 0 && length + size > this.#join) break;
      parts.push(this.#headOffset === 0 ? next : next.subarray(this.#headOffset));
      length += size;
      const onWritten = this.#take(size);
      if (onWritten) finished.push(onWritten);
    }
    if (parts.length === 1) {
      done.push(...finished);
      return parts[0];
    }
    // Joined into a buffer of our own, reused once its write is called back: a transfer of small files
    // joins hundreds of MiB, and fresh buffers made the collector fall behind (RSS grew with file count).
    const joinBuffer = this.#joinBuffers.pop() ?? new Uint8Array(this.#join);
    let at = 0;
    for (const part of parts) {
      joinBuffer.set(part, at);
      at += part.length;
    }
    for (const onWritten of finished) onWritten(); // copied: the messages' memory is free again
    done.push(() => this.#joinBuffers.push(joinBuffer));
    return joinBuffer.subarray(0, length);
  }

  /** Marks `length` bytes from the head of the queue as taken; returns the `onWritten` of a finished message. */
  #take(length: number): (() => void) | undefined {
    this.#queuedBytes -= length;
    this.#headOffset += length;
    let onWritten: (() => void) | undefined;
    if (this.#headOffset === this.#queue[this.#head].length) {
      onWritten = this.#onWritten[this.#head];
      this.#queue[this.#head] = EMPTY; // taken: let it be collected before the queue is compacted
      this.#onWritten[this.#head] = undefined;
      this.#head++;
      this.#headOffset = 0;
      if (this.#head === this.#queue.length) {
        this.#queue = [];
        this.#onWritten = [];
        this.#head = 0;
      } else if (this.#head >= 4096 && this.#head * 2 >= this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#onWritten = this.#onWritten.slice(this.#head);
        this.#head = 0;
      }
    }
    return onWritten;
  }

  /** Resolves the writes waiting for room, if there is room now. */
  #wakeWriters(): void {
    if (!this.#belowHighWater() || this.#waiters.length === 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.resolve();
  }

  /** Whether more may be queued: bytes queued or in flight, and messages queued, are below their marks. */
  #belowHighWater(): boolean {
    return this.#queuedBytes + this.#inFlightBytes < this.#highWater &&
      this.#pending() < this.#highWaterMessages;
  }

  /** Messages queued and not fully written. */
  #pending(): number {
    return this.#queue.length - this.#head;
  }

  #written(length: number, done: (() => void)[], error?: Error | null): void {
    this.#inFlightBytes -= length;
    this.#inFlightWrites--;
    if (error) return this.fail(error);
    if (this.#error) return;
    for (const onWritten of done) onWritten();
    this.#wakeWriters();
    if (this.#pending() > 0) this.#schedule();
    else if (this.#inFlightWrites === 0) {
      const waiters = this.#drainWaiters;
      this.#drainWaiters = [];
      for (const w of waiters) w.resolve();
    }
  }
}
