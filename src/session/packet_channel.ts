/**
 * The transport-independent view of one fsutil DiffCopy stream, which the gRPC layer adapts to.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import type { Packet } from "../proto/fsutil_types.gen.ts";

/**
 * One side of a DiffCopy stream.
 *
 * Callers never overlap `send()` calls: each one is awaited before the next starts (use
 * {@link createSerialSender} when several tasks send). The packet (and its `data`) may be kept by the
 * channel after `send()` resolves, so callers must not reuse it.
 */
export interface PacketChannel {
  /** Packets from the peer; ends when the peer half-closes. */
  [Symbol.asyncIterator](): AsyncIterator<Packet>;
  /** Sends one packet; resolves when the transport can take more (backpressure). Rejects if the stream is gone. */
  send(packet: Packet): Promise<void>;
  /** Half-closes our side. */
  end(): void;
  /** The DATA payload size this channel carries best; senders use it unless told otherwise. */
  readonly dataBytes?: number;
}

/**
 * Returns a `send` function that several tasks may call at once: packets reach the channel one at a time,
 * in call order, and each caller's promise settles when its own packet was taken.
 *
 * @example
 * ```ts
 * import { createSerialSender, type PacketChannel } from "./packet_channel.ts";
 * async function requestBoth(channel: PacketChannel): Promise<void> {
 *   const send = createSerialSender(channel);
 *   await Promise.all([send({ type: 1, id: 3 }), send({ type: 1, id: 4 })]); // REQ 3, then REQ 4
 * }
 * ```
 */
export function createSerialSender(channel: PacketChannel): (packet: Packet) => Promise<void> {
  let tail: Promise<void> = Promise.resolve();
  return (packet) => {
    const sent = tail.then(() => channel.send(packet));
    tail = sent.catch(() => {}); // one failed send must not block the others' turn
    return sent;
  };
}

/**
 * The peer ended the transfer with an ERR packet; `message` carries its text. Such errors are not
 * echoed back to the peer.
 *
 * @example
 * ```ts
 * import { DiffCopyPeerError } from "./packet_channel.ts";
 * const err = new DiffCopyPeerError("error from receiver: context canceled");
 * err instanceof Error; // true
 * ```
 */
export class DiffCopyPeerError extends DrydockError {
  override name = "DiffCopyPeerError";
  constructor(message: string) {
    super("E_TRANSFER", message);
  }
}
