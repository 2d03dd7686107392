/**
 * The receiver side of fsutil DiffCopy, as used by the `local` exporter over `FileSend/DiffCopy`: the
 * daemon sends STATs, we request every regular file, write the tree, then finish with FIN.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import { type Packet, Packet_PacketType as T } from "../proto/fsutil_types.gen.ts";
import { type IncomingFile, TreeWriter } from "../fs/tree_writer.ts";
import { TransferFailure } from "./transfer_failure.ts";
import { createSerialSender, DiffCopyPeerError, type PacketChannel } from "./packet_channel.ts";

/** Options for {@link receiveTree}. */
export interface ReceiveTreeOptions {
  /** Called for entries that cannot be created here (devices, named pipes, sockets). */
  onSkip?: (path: string, reason: string) => void;
  /** Aborting sends `ERR "context canceled"` to the peer and rejects. */
  signal?: AbortSignal;
}

/** What {@link receiveTree} did. */
export interface ReceiveTreeStats {
  /** STAT entries received. */
  entries: number;
  /** Regular files written (hardlinks not counted). */
  files: number;
  /** Bytes of file content written. */
  bytes: number;
  /** Entries that could not be created (see `onSkip`). */
  skipped: number;
}

/**
 * Receives a tree from a DiffCopy sender into `dest` (created if missing; existing entries are merged
 * with, replaced where the sender has an entry). Every packet is validated before anything is written;
 * a bad one (absolute or escaping path, unclean path, wrong order, missing parent, a path below a
 * symlink, a hardlink to an unknown path, over-long names) fails the transfer with nothing written
 * outside `dest`. File content is written as it arrives, never held in memory.
 *
 * On failure it sends ERR to the peer (unless the peer sent one) and rejects; the caller ends the RPC.
 *
 * @example
 * ```ts
 * import { receiveTree } from "./filesend.ts";
 * import type { PacketChannel } from "./packet_channel.ts";
 * // In the FileSend/DiffCopy handler, with the call adapted to a PacketChannel:
 * async function exportTo(channel: PacketChannel, dest: string): Promise<void> {
 *   const stats = await receiveTree(channel, dest);
 *   console.log(`${stats.files} files, ${stats.bytes} bytes`);
 * }
 * ```
 */
export async function receiveTree(
  channel: PacketChannel,
  dest: string,
  options: ReceiveTreeOptions = {},
): Promise<ReceiveTreeStats> {
  return await new TreeReceiver(channel, dest, options).run();
}

class TreeReceiver {
  readonly #channel: PacketChannel;
  readonly #send: (p: Packet) => Promise<void>;
  readonly #dest: string;
  readonly #options: ReceiveTreeOptions;
  readonly #stats: ReceiveTreeStats = { entries: 0, files: 0, bytes: 0, skipped: 0 };
  #writer?: TreeWriter;
  /** Files requested whose empty DATA (end of file) has not arrived yet. */
  readonly #pending = new Map<number, IncomingFile>();
  /** REQs not sent yet; a separate task sends them so that reading never waits on sending. */
  readonly #requests: number[] = [];
  #wakeRequester?: () => void;
  #nextId = 0;
  #listingDone = false;
  #finSent = false;
  readonly #failure: TransferFailure;

  constructor(channel: PacketChannel, dest: string, options: ReceiveTreeOptions) {
    this.#channel = channel;
    this.#send = createSerialSender(channel);
    this.#failure = new TransferFailure(this.#send, () => this.#notifyRequester());
    this.#dest = dest;
    this.#options = options;
  }

  async run(): Promise<ReceiveTreeStats> {
    const iterator = this.#channel[Symbol.asyncIterator]();
    const signal = this.#options.signal;
    const unwatch = this.#failure.watch(signal);
    try {
      await Promise.race([this.#failure.guard(this.#open()), this.#failure.failed]);
      await Promise.race([
        Promise.all([this.#failure.guard(this.#receive(iterator)), this.#failure.guard(this.#request())]),
        this.#failure.failed,
      ]);
      if (this.#failure.error) throw this.#failure.error;
      this.#channel.end();
      return { ...this.#stats };
    } catch (e) {
      this.#failure.fail(e);
      void iterator.return?.()?.catch(() => {});
      await this.#writer?.abort();
      return await this.#failure.rethrow();
    } finally {
      unwatch();
    }
  }

  async #open(): Promise<void> {
    this.#writer = await TreeWriter.open(this.#dest);
  }

  async #receive(iterator: AsyncIterator<Packet>): Promise<void> {
    const writer = this.#writer!;
    for (;;) {
      const r = await iterator.next();
      if (this.#failure.error) return;
      if (r.done) {
        if (this.#finSent && this.#pending.size === 0) return; // the peer closed instead of answering FIN
        throw new DrydockError(
          "E_TRANSFER",
          "DiffCopy: the sender closed the stream before the transfer finished",
        );
      }
      const p = r.value;
      switch (p.type ?? T.PACKET_STAT) {
        case T.PACKET_STAT:
          await this.#onStat(writer, p);
          break;
        case T.PACKET_DATA:
          await this.#onData(p.id ?? 0, p.data);
          break;
        case T.PACKET_FIN:
          if (!this.#finSent) {
            throw new DrydockError(
              "E_TRANSFER",
              "DiffCopy: the sender sent FIN before the transfer finished",
            );
          }
          return;
        case T.PACKET_ERR:
          throw new DiffCopyPeerError(`error from sender: ${new TextDecoder().decode(p.data)}`);
        default:
          break; // REQ and unknown types mean nothing to a receiver; Go ignores them too
      }
    }
  }

  async #onStat(writer: TreeWriter, p: Packet): Promise<void> {
    if (this.#listingDone) {
      throw new DrydockError("E_TRANSFER", "DiffCopy: STAT after the end of the listing");
    }
    if (p.stat === undefined) {
      this.#listingDone = true;
      this.#notifyRequester();
      return;
    }
    const id = this.#nextId++; // IDs count every STAT, whatever its type
    const added = await writer.add(p.stat);
    this.#stats.entries++;
    if (added.kind === "file") {
      this.#pending.set(id, added.file);
      this.#requests.push(id);
      this.#notifyRequester();
    } else if (added.kind === "skipped") {
      this.#stats.skipped++;
      this.#options.onSkip?.(p.stat.path ?? "", added.reason);
    }
  }

  async #onData(id: number, data: Uint8Array | undefined): Promise<void> {
    const file = this.#pending.get(id);
    if (file === undefined) {
      throw new DrydockError("E_TRANSFER", `DiffCopy: DATA for file id ${id}, which is not being received`);
    }
    if (data !== undefined && data.length > 0) {
      await file.write(data);
      this.#stats.bytes += data.length;
      return;
    }
    await file.complete();
    this.#pending.delete(id);
    this.#stats.files++;
    this.#notifyRequester();
  }

  /** Sends queued REQs; once the listing ended and every file is complete, finishes and sends FIN. */
  async #request(): Promise<void> {
    for (;;) {
      if (this.#failure.error) return;
      const id = this.#requests.shift();
      if (id !== undefined) {
        await this.#send({ type: T.PACKET_REQ, id });
      } else if (this.#listingDone && this.#pending.size === 0) {
        await this.#writer!.finish();
        this.#finSent = true; // set first: the peer's FIN may arrive before send() resolves
        await this.#send({ type: T.PACKET_FIN });
        return;
      } else {
        await new Promise<void>((resolve) => (this.#wakeRequester = resolve));
      }
    }
  }

  #notifyRequester(): void {
    const wake = this.#wakeRequester;
    this.#wakeRequester = undefined;
    wake?.();
  }
}

/** Waits for `p`, but no longer than `ms`. */
