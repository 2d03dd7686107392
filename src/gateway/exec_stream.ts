/**
 * The one `LLBBridge.ExecProcess` stream of a build, shared by all its
 * container processes: messages go out tagged with a process id and come back
 * to the process that owns that id, as BuildKit's Go client does it.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import type { ClientDuplexStream } from "@grpc/grpc-js";
import type { ExecMessage } from "../proto/moby_buildkit_v1_frontend.gen.ts";
import { toRpcError } from "../transport/rpc.ts";

/** Receives the messages for one process id, and the stream's end. */
export interface ProcessListener {
  message(msg: ExecMessage): void;
  /** The stream ended or failed before the process was done. */
  ended(err: Error): void;
}

/**
 * Opens the stream on first use and routes each message by process id.
 *
 * @example
 * ```ts
 * import { ExecStream } from "./exec_stream.ts";
 * // const stream = new ExecStream(() => rpc.bidi(LLBBridgeService.execProcess, bridge));
 * // stream.register("ctr:1", { message: (m) => console.log(m), ended: (e) => console.error(e) });
 * ```
 */
export class ExecStream {
  readonly #open: () => ClientDuplexStream<ExecMessage, ExecMessage>;
  #call: ClientDuplexStream<ExecMessage, ExecMessage> | undefined;
  readonly #listeners = new Map<string, ProcessListener>();
  #failure: Error | undefined;

  constructor(open: () => ClientDuplexStream<ExecMessage, ExecMessage>) {
    this.#open = open;
  }

  /** Routes messages for `processId` to `listener` until {@link unregister}. */
  register(processId: string, listener: ProcessListener): void {
    this.#listeners.set(processId, listener);
    if (this.#failure) listener.ended(this.#failure);
  }

  unregister(processId: string): void {
    this.#listeners.delete(processId);
  }

  /** Sends one message, opening the stream first if needed. */
  send(msg: ExecMessage): void {
    if (this.#failure) throw this.#failure;
    this.#stream().write(msg);
  }

  /** Ends the stream; processes still registered are told it ended. */
  close(): void {
    const call = this.#call;
    this.#fail(new DrydockError("E_CONTAINER", "the build's container stream was closed"));
    if (call) {
      call.end();
      call.cancel();
    }
  }

  #stream(): ClientDuplexStream<ExecMessage, ExecMessage> {
    if (this.#call) return this.#call;
    const call = this.#open();
    this.#call = call;
    call.on("data", (msg: ExecMessage) => this.#listeners.get(msg.processID ?? "")?.message(msg));
    call.on("error", (err: Error) => this.#fail(toRpcError("LLBBridge/ExecProcess", err)));
    call.on(
      "end",
      () => this.#fail(new DrydockError("E_CONTAINER", "the engine ended the container stream")),
    );
    return call;
  }

  #fail(err: Error): void {
    this.#failure ??= err;
    const listeners = [...this.#listeners.values()];
    this.#listeners.clear();
    for (const l of listeners) l.ended(this.#failure);
  }
}
