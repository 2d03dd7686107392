/**
 * A grpc-js server stream seen as a {@link PacketChannel}.
 *
 * @module
 */
import type * as grpc from "@grpc/grpc-js";
import type { Packet } from "../proto/fsutil_types.gen.ts";
import type { PacketChannel } from "./packet_channel.ts";

/** How one stream's messages map to packets (identity when grpc-js already decodes Packets). */
export interface PacketCodec<M> {
  decode(message: M): Packet;
  encode(packet: Packet): M;
}

/**
 * Adapts a server call. `send()` resolves once grpc-js accepts more (its
 * `write()` returns true or `drain` fires) and rejects once the call is gone.
 *
 * @example
 * ```ts
 * import { serverCallChannel } from "./grpc_packet_channel.ts";
 * // inside a FileSync/DiffCopy handler: const channel = serverCallChannel(call);
 * ```
 */
export function serverCallChannel<M = Packet>(
  call: grpc.ServerDuplexStream<M, M>,
  codec: PacketCodec<M> = { decode: (m) => m as Packet, encode: (p) => p as M },
): PacketChannel {
  let gone: Error | undefined;
  const waiting = new Set<(err?: Error) => void>();
  const fail = (err: Error) => {
    gone ??= err;
    for (const w of waiting) w(gone);
    waiting.clear();
  };
  call.on("cancelled", () => fail(new Error("the engine cancelled the transfer")));
  call.on("error", (e: Error) => fail(e));
  call.on("close", () => fail(new Error("the transfer stream closed")));
  return {
    async *[Symbol.asyncIterator]() {
      for await (const message of call as AsyncIterable<M>) yield codec.decode(message);
    },
    send(packet: Packet): Promise<void> {
      if (gone) return Promise.reject(gone);
      return new Promise<void>((resolve, reject) => {
        const settle = (err?: Error) => {
          waiting.delete(settle);
          call.off("drain", onDrain);
          if (err) reject(err);
          else resolve();
        };
        const onDrain = () => settle();
        if (call.write(codec.encode(packet))) return resolve();
        waiting.add(settle);
        call.once("drain", onDrain);
      });
    },
    end() {
      if (!gone) call.end();
    },
  };
}

/**
 * Ends a server call with a gRPC error status.
 *
 * @example
 * ```ts
 * import { failCall } from "./grpc_packet_channel.ts";
 * // failCall(call, 5, 'no access allowed to dir "x"');
 * ```
 */
export function failCall(
  call: grpc.ServerDuplexStream<unknown, unknown>,
  code: number,
  details: string,
): void {
  call.emit("error", { code, details });
}
