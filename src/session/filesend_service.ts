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
import { UnsafeEntryError } from "../fs/tree_writer.ts";
import { receiveTree } from "./filesend.ts";
import { receiveStream } from "./filesend_stream.ts";
import { failCall, serverCallChannel } from "./grpc_packet_channel.ts";
import { widenReceiveWindow } from "./receive_window.ts";
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

/** Options of {@link fileSendMethods}. */
export interface FileSendOptions {
  /** Told when writing an export fails here, after the engine was told; the build should stop. */
  onFailure?: (error: Error) => void;
}

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
  options: FileSendOptions = {},
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
    const fail = (err: Error) => {
      const message = `writing export to ${target.dest}: ${err.message}`;
      failCall(call, grpc.status.UNKNOWN, message);
      // Our own failures only: when the engine gave up on the export, its error is the one to report.
      if (isLocalFailure(err)) options.onFailure?.(new Error(message, { cause: err }));
    };
    // The engine sends the whole export on this call: let it send ahead instead of 64 KiB per round trip.
    widenReceiveWindow(call);
    if (target.type === "stream") {
      receiveStream(call, target.writer ? "-" : target.dest, target.writer ?? stdout).then(
        () => call.end(),
        fail,
      );
      return;
    }
    const channel = serverCallChannel(call, {
      decode: (b) => Packet.fromBinary(b),
      encode: (p) => Buffer.from(Packet.toBinary(p)),
    });
    // On success it has ended the stream itself.
    receiveTree(channel, target.dest).catch(fail);
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

// Errors of this machine's file system (EPERM, ENOSPC, EEXIST ...) and entries refused as unsafe.
function isLocalFailure(err: Error): boolean {
  // errno codes only: "ERR_STREAM_PREMATURE_CLOSE" and the like are the stream ending under us.
  const code = (err as { code?: unknown }).code;
  return (typeof code === "string" && /^E[A-Z]+$/.test(code)) || err instanceof UnsafeEntryError;
}
