/**
 * The first failure of a DiffCopy transfer, shared by the sender and the
 * receiver: it is recorded once, told to the peer (unless it came from the
 * peer) and stops every task of the transfer.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import { Buffer } from "node:buffer";
import { type Packet, Packet_PacketType as T } from "../proto/fsutil_types.gen.ts";
import { DiffCopyPeerError } from "./packet_channel.ts";

/**
 * A failure latch for one transfer.
 *
 * @example
 * ```ts
 * import { TransferFailure } from "./transfer_failure.ts";
 * const failure = new TransferFailure(async () => {}, () => {});
 * failure.fail(new Error("disk full"));
 * failure.error?.message; // "disk full"
 * ```
 */
export class TransferFailure {
  #error?: Error;
  #errSent: Promise<unknown> = Promise.resolve();
  #reject: (e: Error) => void = () => {};
  /** Rejects with the first failure; race the transfer's tasks against it. */
  readonly failed = new Promise<never>((_, reject) => (this.#reject = reject));

  constructor(
    readonly send: (packet: Packet) => Promise<void>,
    /** Wakes tasks that wait for work, so they see the failure and stop. */
    readonly onFail: () => void,
  ) {
    this.failed.catch(() => {});
  }

  /** The first failure, if any. */
  get error(): Error | undefined {
    return this.#error;
  }

  /** Records `e` unless a failure is already recorded, and tells the peer. */
  fail(e: unknown): void {
    if (this.#error) return;
    this.#error = e instanceof Error ? e : new Error(String(e));
    if (!(e instanceof DiffCopyPeerError)) {
      const data = Buffer.from(this.#error.message, "utf8");
      this.#errSent = this.send({ type: T.PACKET_ERR, data }).catch(() => {});
    }
    this.onFail();
    this.#reject(this.#error);
  }

  /** Runs a task; its error fails the whole transfer. */
  async guard(task: Promise<void>): Promise<void> {
    try {
      await task;
    } catch (e) {
      this.fail(e);
    }
  }

  /** Fails the transfer with "context canceled" when `signal` aborts; returns the unsubscribe. */
  watch(signal: AbortSignal | undefined): () => void {
    const onAbort = () =>
      this.fail(new DrydockError("E_INTERRUPTED", "context canceled", { cause: signal?.reason }));
    if (signal?.aborted) onAbort();
    signal?.addEventListener("abort", onAbort);
    return () => signal?.removeEventListener("abort", onAbort);
  }

  /** Gives the ERR packet up to a second to go out, then throws the failure. */
  async rethrow(): Promise<never> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.#errSent, new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
    clearTimeout(timer);
    throw this.#error;
  }
}
