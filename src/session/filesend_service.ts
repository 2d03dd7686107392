/**
 * `FileSend/DiffCopy`: the engine's `local` exporter sends files to us.
 * Declared with BytesMessage, it carries fsutil Packets in practice, so we take
 * raw frames and decode them ourselves.
 *
 * @module
 */
import type { Writable } from "node:stream";
import * as grpc from "@grpc/grpc-js";
import { Buffer } from "node:buffer";
import { FileSendService } from "../proto/moby_filesync_v1.gen.ts";
import { Packet } from "../proto/fsutil_types.gen.ts";
import { receiveTree } from "./filesend.ts";
import { receiveStream } from "./filesend_stream.ts";
import { failCall, serverCallChannel } from "./grpc_packet_channel.ts";
import type { SessionMethod } from "./session.ts";

/**
 * Where one exporter's result goes: a directory tree (`local` exporter) or one
 * archive stream (`tar`, `oci`, `docker`) written to a file, `-` for stdout.
 */
export interface FileSendTarget {
  readonly type: "local" | "stream";
  readonly dest: string;
  /** For a stream: write here (not ended) instead of to `dest`, e.g. into Docker's image load. */
  readonly writer?: Writable;
}

const raw = (b: unknown) => b as Buffer;

/**
 * Receives exported trees. With several exporters (v0.13+), the engine names
 * the exporter's index in `buildkit-attachable-exporter-id`; older engines
 * send one.
 *
 * @example
 * ```ts
 * import { fileSendMethods } from "./filesend_service.ts";
 * const methods = fileSendMethods([{ type: "local", dest: "./out" }]);
 * ```
 */
export function fileSendMethods(
  targets: readonly FileSendTarget[],
  exporterIndexes?: readonly number[],
  stdout?: Writable,
): SessionMethod[] {
  if (targets.length === 0) return [];
  const handler: grpc.handleBidiStreamingCall<Buffer, Buffer> = (call) => {
    const idHeader = call.metadata.get("buildkit-attachable-exporter-id")[0];
    const exporterId = idHeader === undefined ? undefined : Number(idHeader);
    const at = exporterId === undefined
      ? 0
      : exporterIndexes
      ? exporterIndexes.indexOf(exporterId)
      : exporterId;
    const target = targets[at];
    if (!target) {
      failCall(call, grpc.status.NOT_FOUND, `no export target for exporter ${String(idHeader)}`);
      return;
    }
    if (target.type === "stream") {
      receiveStream(call, target.writer ? "-" : target.dest, target.writer ?? stdout).then(
        () => call.end(),
        (err: Error) =>
          failCall(call, grpc.status.UNKNOWN, `writing export to ${target.dest}: ${err.message}`),
      );
      return;
    }
    const channel = serverCallChannel(call, {
      decode: (b) => Packet.fromBinary(b),
      encode: (p) => Buffer.from(Packet.toBinary(p)),
    });
    receiveTree(channel, target.dest).catch(
      // On success it has ended the stream itself.
      (err: Error) => failCall(call, grpc.status.UNKNOWN, `writing export to ${target.dest}: ${err.message}`),
    );
  };
  return [{
    path: FileSendService.diffCopy.path,
    definition: {
      path: FileSendService.diffCopy.path,
      requestStream: true,
      responseStream: true,
      requestSerialize: raw,
      requestDeserialize: raw,
      responseSerialize: raw,
      responseDeserialize: raw,
    },
    handler: handler as grpc.UntypedHandleCall,
  }];
}
