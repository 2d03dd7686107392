/**
 * `FileSync/DiffCopy`: the engine pulls a `local://NAME` directory from us.
 *
 * @module
 */
import * as grpc from "@grpc/grpc-js";
import { FileSyncService } from "../proto/moby_filesync_v1.gen.ts";
import { type Packet, Packet_PacketType } from "../proto/fsutil_types.gen.ts";
import { createContextFilter } from "../fs/context_filter.ts";
import { sendTree, type SendTreeStats } from "./filesync.ts";
import { readFileSyncRequest } from "./filesync_request.ts";
import { failCall, packetSenderChannel, packetsWritten, serverCallChannel } from "./grpc_packet_channel.ts";
import { methodDefinition } from "./method.ts";
import type { SessionMethod } from "./session.ts";

/** Options of {@link fileSyncMethods}. */
export interface FileSyncOptions {
  /** Called after each transfer the engine completed, with what was sent (e.g. to count requested files). */
  onSent?: (name: string, stats: SendTreeStats) => void;
  /** Advertise the service even with no directories yet (`dirs` is read at each request). @default false */
  always?: boolean;
}

/**
 * Serves the given directories, by `local://` name, filtered by the include and exclude patterns and
 * followpaths the engine sends with each request. Nothing is advertised when there are none, so the
 * engine cannot ask.
 *
 * @example
 * ```ts
 * import { fileSyncMethods } from "./filesync_service.ts";
 * const methods = fileSyncMethods(new Map([["context", "/home/me/app"]]), {
 *   onSent: (name, stats) => console.log(`${name}: ${stats.requested} files sent`),
 * });
 * ```
 */
export function fileSyncMethods(
  dirs: ReadonlyMap<string, string>,
  options: FileSyncOptions = {},
): SessionMethod[] {
  if (dirs.size === 0 && !options.always) return [];
  const handler: grpc.handleBidiStreamingCall<Packet, Packet> = (call) => {
    const request = readFileSyncRequest(call.metadata);
    const name = request.dirName;
    const dir = dirs.get(name);
    if (dir === undefined) {
      failCall(call, grpc.status.NOT_FOUND, `no access allowed to dir "${name}"`);
      return;
    }
    createContextFilter(dir, request).then(
      async (filter) => {
        // The fast sender (direct HTTP/2 writes) for the transfer itself.
        const channel = packetSenderChannel(call);
        const stats = await sendTree(channel, dir, { filter }).catch(async (err) => {
          await packetsWritten(channel); // the ERR packet sendTree sent, before the error status
          throw err;
        });
        options.onSent?.(name, stats);
      },
      async (err: Error) => {
        const message = `local ${name}: ${err.message}`;
        const channel = serverCallChannel(call);
        // In the stream first, as fsutil's sender does, so the engine reports it even if the status is lost.
        await channel.send({ type: Packet_PacketType.PACKET_ERR, data: new TextEncoder().encode(message) })
          .catch(() => {});
        failCall(call, grpc.status.INVALID_ARGUMENT, message);
      },
    ).catch(
      // On success sendTree has ended the stream itself.
      (err: Error) => failCall(call, grpc.status.UNKNOWN, `sending ${name}: ${err.message}`),
    );
  };
  return [{
    path: FileSyncService.diffCopy.path,
    definition: methodDefinition(FileSyncService.diffCopy),
    handler: handler as grpc.UntypedHandleCall,
  }];
}
