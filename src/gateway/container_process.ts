/**
 * One process started in a gateway container: its output as streams, its
 * exit status, and the messages that resize its terminal, signal it and feed
 * its stdin.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import type { ExecMessage, InitMessage } from "../proto/moby_buildkit_v1_frontend.gen.ts";
import type { ExecStream } from "./exec_stream.ts";

/** How a process ended. */
export interface ProcessExit {
  /** The exit code; for a process killed by a signal, what the engine reports (often 128 + signal, or 137). */
  readonly code: number;
  /** The engine's message when the process could not run or was killed. */
  readonly message?: string;
}

// BuildKit's `UnknownExitStatus`: the process never ran or its status was lost.
const UNKNOWN_EXIT = 255;
// Kept for error messages: the end of what a process wrote.
const TAIL_BYTES = 16 * 1024;

/**
 * A running process. Read `stdout` and `stderr` (or ignore them: they buffer),
 * await `exit`.
 *
 * @example
 * ```ts
 * import { ContainerProcess } from "./container_process.ts";
 * // const proc = await ContainerProcess.start(stream, "ctr:1", init, { stdin: false });
 * // for await (const chunk of proc.stdout) console.log(new TextDecoder().decode(chunk));
 * // const { code } = await proc.exit;
 * ```
 */
export class ContainerProcess {
  readonly stdout: ReadableStream<Uint8Array>;
  readonly stderr: ReadableStream<Uint8Array>;
  /** Resolves once the engine reports the process done; rejects if the stream fails first. */
  readonly exit: Promise<ProcessExit>;
  readonly #stream: ExecStream;
  readonly #id: string;
  #done = false;
  #tail: Uint8Array[] = [];
  #tailBytes = 0;

  private constructor(stream: ExecStream, id: string, exit: Promise<ProcessExit>, outputs: Outputs) {
    this.#stream = stream;
    this.#id = id;
    this.exit = exit;
    this.stdout = outputs.stdout;
    this.stderr = outputs.stderr;
  }

  /**
   * Sends the process's init message and waits for the engine to start it.
   *
   * @example
   * ```ts
   * import { ContainerProcess } from "./container_process.ts";
   * // await ContainerProcess.start(stream, `${containerId}:1`, { containerID: containerId, meta: { args: ["ls"] } }, {});
   * ```
   */
  static start(
    stream: ExecStream,
    id: string,
    init: InitMessage,
    options: { onOutput?: (fd: number, data: Uint8Array) => void },
  ): Promise<ContainerProcess> {
    let out!: ReadableStreamDefaultController<Uint8Array>;
    let err!: ReadableStreamDefaultController<Uint8Array>;
    const outputs: Outputs = {
      stdout: new ReadableStream({ start: (c) => void (out = c) }),
      stderr: new ReadableStream({ start: (c) => void (err = c) }),
    };
    const closeOutputs = (e?: Error) => {
      for (const c of [out, err]) {
        try {
          if (e) c.error(e);
          else c.close();
        } catch { /* already closed */ }
      }
    };
    let proc: ContainerProcess | undefined;
    let started!: (p: ContainerProcess) => void;
    let failedToStart!: (e: Error) => void;
    const ready = new Promise<ContainerProcess>((resolve, reject) => {
      started = resolve;
      failedToStart = reject;
    });
    let exited!: (e: ProcessExit) => void;
    let broken!: (e: Error) => void;
    const exit = new Promise<ProcessExit>((resolve, reject) => {
      exited = resolve;
      broken = reject;
    });
    exit.catch(() => {/* the caller's await reports it */});
    let status: ProcessExit | undefined;
    stream.register(id, {
      message: (msg: ExecMessage) => {
        if (msg.started) {
          proc = new ContainerProcess(stream, id, exit, outputs);
          started(proc);
        } else if (msg.file) {
          const data = msg.file.data ?? new Uint8Array();
          if (data.length === 0) return;
          if (proc) proc.#remember(data);
          options.onOutput?.(msg.file.fd ?? 1, data);
          (msg.file.fd === 2 ? err : out).enqueue(data);
        } else if (msg.exit) {
          // BuildKit 0.25 with runc 1.1 reports a signalled process as uint32(-1): no exit code, as 255 means.
          const raw = msg.exit.code ?? 0;
          const code = raw > 255 ? UNKNOWN_EXIT : raw;
          status = { code, ...(msg.exit.error?.message ? { message: msg.exit.error.message } : {}) };
          if (code === UNKNOWN_EXIT && !status.message) {
            status = {
              code,
              message: raw > 255 ? "the process ended without an exit code" : "the process did not run",
            };
          }
          // The engine says done only once every stream is closed, stdin included.
          if (init.fds?.includes(0)) {
            try {
              stream.send({ processID: id, file: { fd: 0, eof: true } });
            } catch { /* the stream ended: done or its failure follows */ }
          }
        } else if (msg.done) {
          stream.unregister(id);
          if (proc) proc.#done = true;
          closeOutputs();
          const final = status ?? { code: UNKNOWN_EXIT, message: "the engine reported no exit status" };
          if (!proc) {
            failedToStart(new DrydockError("E_CONTAINER", final.message ?? `exit code ${final.code}`));
          }
          exited(final);
        }
      },
      ended: (e) => {
        if (proc) proc.#done = true;
        closeOutputs(e);
        failedToStart(e);
        broken(e);
      },
    });
    try {
      stream.send({ processID: id, init });
    } catch (e) {
      stream.unregister(id);
      return Promise.reject(e);
    }
    return ready;
  }

  /** Writes to the process's stdin (started with `stdin`). */
  write(data: Uint8Array | string): void {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    if (bytes.length > 0) this.#send({ file: { fd: 0, data: bytes } });
  }

  /** Ends the process's stdin. */
  closeStdin(): void {
    this.#send({ file: { fd: 0, eof: true } });
  }

  /** Sets the size of the process's terminal (started with `tty`). */
  resize(size: { rows: number; cols: number }): void {
    this.#send({ resize: { rows: size.rows, cols: size.cols } });
  }

  /** Sends a signal by name: `INT`, `TERM`, `KILL`, `HUP`... */
  signal(name: string): void {
    this.#send({ signal: { name: name.replace(/^SIG/, "") } });
  }

  /** The last bytes the process wrote (stdout and stderr interleaved), decoded. */
  outputTail(): string {
    const all = new Uint8Array(this.#tailBytes);
    let at = 0;
    for (const c of this.#tail) {
      all.set(c, at);
      at += c.length;
    }
    return new TextDecoder().decode(all.subarray(Math.max(0, all.length - TAIL_BYTES)));
  }

  #remember(data: Uint8Array): void {
    this.#tail.push(data.slice());
    this.#tailBytes += data.length;
    while (this.#tail.length > 1 && this.#tailBytes - this.#tail[0].length >= TAIL_BYTES) {
      this.#tailBytes -= this.#tail.shift()!.length;
    }
  }

  #send(msg: Omit<ExecMessage, "processID">): void {
    if (this.#done) return; // the process has ended: nothing to deliver to
    this.#stream.send({ processID: this.#id, ...msg });
  }
}

interface Outputs {
  readonly stdout: ReadableStream<Uint8Array>;
  readonly stderr: ReadableStream<Uint8Array>;
}
