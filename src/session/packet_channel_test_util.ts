/**
 * Test helpers (not part of the public API): an in-memory connected pair of {@link PacketChannel}s with
 * bounded buffers, so backpressure in tests is as real as over gRPC.
 *
 * @module
 */
import { Packet } from "../proto/fsutil_types.gen.ts";
import type { PacketChannel } from "./packet_channel.ts";

/** Options for {@link createChannelPair}. */
export interface ChannelPairOptions {
  /**
   * Packets one direction holds before `send()` stops resolving.
   * @default 4
   */
  capacity?: number;
  /**
   * Round-trip every packet through `Packet.toBinary`/`fromBinary`, as the wire does.
   * @default false
   */
  encode?: boolean;
}

/** One direction of the pair. */
class Pipe {
  #items: Packet[] = [];
  #ended = false;
  #gone = false;
  #wakeReader?: () => void;
  #wakeWriters: (() => void)[] = [];
  /** Bytes of encoded packets that passed, when encoding. */
  encodedBytes = 0;

  constructor(readonly capacity: number, readonly encode: boolean) {}

  async push(packet: Packet): Promise<void> {
    if (this.#ended) throw new Error("send() after end()");
    if (this.#gone) throw new Error("stream is gone: the peer stopped reading");
    let item = packet;
    if (this.encode) {
      const bytes = Packet.toBinary(packet);
      this.encodedBytes += bytes.length;
      item = Packet.fromBinary(bytes);
    }
    this.#items.push(item);
    this.#wake();
    while (this.#items.length >= this.capacity && !this.#gone) {
      await new Promise<void>((resolve) => this.#wakeWriters.push(resolve));
    }
    if (this.#gone) throw new Error("stream is gone: the peer stopped reading");
  }

  end(): void {
    this.#ended = true;
    this.#wake();
  }

  /** The reader went away: drop what is buffered and fail current and future senders. */
  cancel(): void {
    this.#gone = true;
    this.#items = [];
    this.#wake();
  }

  async next(): Promise<IteratorResult<Packet>> {
    for (;;) {
      if (this.#gone) return { done: true, value: undefined };
      const item = this.#items.shift();
      if (item !== undefined) {
        this.#wake();
        return { done: false, value: item };
      }
      if (this.#ended) return { done: true, value: undefined };
      await new Promise<void>((resolve) => (this.#wakeReader = resolve));
    }
  }

  #wake(): void {
    const reader = this.#wakeReader;
    this.#wakeReader = undefined;
    reader?.();
    const writers = this.#wakeWriters;
    this.#wakeWriters = [];
    for (const w of writers) w();
  }
}

/** A channel of the pair, with counters for tests and benchmarks. */
export interface TestChannel extends PacketChannel {
  /** Encoded bytes this side has sent (only counted with `encode: true`). */
  readonly sentBytes: number;
}

function side(outgoing: Pipe, incoming: Pipe): TestChannel {
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => incoming.next(),
      return: () => {
        incoming.cancel();
        return Promise.resolve({ done: true, value: undefined });
      },
    }),
    send: (packet) => outgoing.push(packet),
    end: () => outgoing.end(),
    get sentBytes() {
      return outgoing.encodedBytes;
    },
  };
}

/**
 * Makes two connected channels: what one sends, the other receives.
 *
 * @example
 * ```ts
 * import { createChannelPair } from "./packet_channel_test_util.ts";
 * const [a, b] = createChannelPair({ capacity: 2, encode: true });
 * await a.send({ type: 3 });
 * a.end();
 * for await (const p of b) console.log(p.type); // 3
 * ```
 */
export function createChannelPair(options: ChannelPairOptions = {}): [TestChannel, TestChannel] {
  const capacity = options.capacity ?? 4;
  const encode = options.encode ?? false;
  const ab = new Pipe(capacity, encode);
  const ba = new Pipe(capacity, encode);
  return [side(ab, ba), side(ba, ab)];
}

/**
 * Wraps a channel to record every packet passing in either direction (for asserting on the exchange).
 *
 * @example
 * ```ts
 * import { createChannelPair, recordChannel } from "./packet_channel_test_util.ts";
 * const [a] = createChannelPair();
 * const { channel, log } = recordChannel(a);
 * await channel.send({ type: 3 });
 * log; // [{ dir: "out", packet: { type: 3 } }]
 * ```
 */
export function recordChannel(
  inner: PacketChannel,
): { channel: PacketChannel; log: { dir: "in" | "out"; packet: Packet }[] } {
  const log: { dir: "in" | "out"; packet: Packet }[] = [];
  const channel: PacketChannel = {
    [Symbol.asyncIterator]() {
      const it = inner[Symbol.asyncIterator]();
      return {
        async next() {
          const r = await it.next();
          if (!r.done) log.push({ dir: "in", packet: r.value });
          return r;
        },
        return: it.return?.bind(it),
      };
    },
    send(packet) {
      log.push({ dir: "out", packet });
      return inner.send(packet);
    },
    end: () => inner.end(),
  };
  return { channel, log };
}
