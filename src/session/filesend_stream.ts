/**
 * The receiver of tarball exports (`tar`, `oci`, `docker`): the engine sends
 * `BytesMessage{data}` chunks of one archive over `FileSend/DiffCopy`, then
 * half-closes; we write them to a file (or standard output) and end the call.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import { createWriteStream, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import type { Readable, Writable } from "node:stream";
import { onExit } from "../core/exit_cleanup.ts";
import { partialName } from "../core/owned_temp.ts";
import { BytesMessage } from "../proto/moby_filesync_v1.gen.ts";

/** What {@link receiveStream} wrote. */
export interface ReceiveStreamStats {
  /** Bytes of archive written. */
  bytes: number;
}

/**
 * Writes every chunk of `messages` (raw `BytesMessage` bytes) to `dest`, or to
 * `stdout` when `dest` is `-`. A file is written beside its final name
 * and renamed at the end, so a failed export leaves no half-written archive.
 * `messages` is the read side of the gRPC call; it is read with events, not
 * `for await`, which would destroy the call (and its status) when it ends.
 *
 * @example
 * ```ts
 * import { receiveStream } from "./filesend_stream.ts";
 * // In the FileSend/DiffCopy handler: const { bytes } = await receiveStream(call, "out/image.tar", process.stdout);
 * ```
 */
export async function receiveStream(
  messages: Readable,
  dest: string,
  stdout?: Writable,
): Promise<ReceiveStreamStats> {
  const toStdout = dest === "-";
  // Unique per stream, not per process: two streams of one process may target one file.
  const partial = toStdout ? "" : partialName(dest);
  let sink: Writable;
  let forget = () => {};
  if (toStdout) {
    if (!stdout) throw new DrydockError("E_TRANSFER", "no standard output was given for the `-` output");
    sink = stdout;
  } else {
    mkdirSync(dirname(dest), { recursive: true });
    sink = createWriteStream(partial);
    forget = onExit(() => rmSync(partial, { force: true }));
  }
  let bytes = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      messages.on("data", (raw: Uint8Array) => {
        const data = BytesMessage.fromBinary(raw).data;
        if (!data || data.byteLength === 0) return;
        bytes += data.byteLength;
        if (!sink.write(data)) {
          messages.pause();
          sink.once("drain", () => messages.resume());
        }
      });
      messages.once("end", resolve);
      // After "end" this is a no-op; before it, the engine gave up on the export.
      messages.once(
        "close",
        () => reject(new DrydockError("E_TRANSFER", "the engine closed the export stream before its end")),
      );
      messages.once("error", reject);
      sink.once("error", reject);
    });
    if (!toStdout) {
      await new Promise<void>((resolve, reject) => {
        sink.end(() => resolve());
        sink.once("error", reject);
      });
      renameSync(partial, dest);
      forget();
    }
    return { bytes };
  } catch (err) {
    if (!toStdout) {
      await closed(sink);
      rmSync(partial, { force: true });
      forget();
    }
    throw err;
  }
}

/** Destroys a file stream and waits until its file is closed: its open may still be pending, and would recreate the file after our removal. */
function closed(stream: Writable): Promise<void> {
  if (stream.closed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once("close", () => resolve());
    stream.destroy();
  });
}
