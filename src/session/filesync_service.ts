/**
 * `FileSync/DiffCopy`: the engine pulls a `local://NAME` directory from us.
 *
 * @module
 */
import * as grpc from "@grpc/grpc-js";
import { FileSyncService } from "../proto/moby_filesync_v1.gen.ts";
import type { Packet } from "../proto/fsutil_types.gen.ts";
import { sendTree } from "./filesync.ts";
import { failCall, packetSenderChannel } from "./grpc_packet_channel.ts";
import { methodDefinition } from "./method.ts";
import type { SessionMethod } from "./session.ts";

/**
 * Serves the given directories, by `local://` name. Nothing is advertised when
 * there are none, so the engine cannot ask.
 *
 * @example
 * ```ts
 * import { fileSyncMethods } from "./filesync_service.ts";
 * const methods = fileSyncMethods(new Map([["context", "/home/me/app"]]));
 * ```
 */
export function fileSyncMethods(dirs: ReadonlyMap<string, string>): SessionMethod[] {
  if (dirs.size === 0) return [];
  const handler: grpc.handleBidiStreamingCall<Packet, Packet> = (call) => {
    const name = String(call.metadata.get("dir-name")[0] ?? "");
    const dir = dirs.get(name);
    if (dir === undefined) {
      failCall(call, grpc.status.NOT_FOUND, `no access allowed to dir "${name}"`);
      return;
    }
    const channel = packetSenderChannel(call);
    sendTree(channel, dir).catch(
      // On success it has ended the stream itself.
      (err: Error) => failCall(call, grpc.status.UNKNOWN, `sending ${name}: ${err.message}`),
    );
  };
  return [{
    path: FileSyncService.diffCopy.path,
    definition: methodDefinition(FileSyncService.diffCopy),
    handler: handler as grpc.UntypedHandleCall,
  }];
}
