/**
 * A session: the gRPC server the engine calls back into during a build, for
 * local files, exports, secrets and more. We serve it over whatever byte stream
 * the transport opens (Docker `/session` upgrade or `Control.Session`).
 *
 * @module
 */
import * as grpc from "@grpc/grpc-js";
import { randomBytes } from "node:crypto";
import type { Duplex } from "node:stream";
import type { Transport } from "../transport/transport.ts";
import { keepRepeatedMetadata } from "./repeated_metadata.ts";
import { InitialWindowShim } from "./initial_window_shim.ts";

const IS_BUN = "Bun" in globalThis;

/** One gRPC method a session serves. */
export interface SessionMethod {
  /** Full path, e.g. `/grpc.health.v1.Health/Check`. */
  readonly path: string;
  readonly definition: grpc.MethodDefinition<unknown, unknown>;
  readonly handler: grpc.UntypedHandleCall;
}

/** Options of {@link Session}. */
export interface SessionOptions {
  /** The engine reuses earlier local transfers with the same key. Keep it stable per project. */
  sharedKey: string;
  /** Human-readable name shown by the engine. @default "drydock" */
  name?: string;
  methods: readonly SessionMethod[];
  /**
   * Told once if the engine's side of the session goes away before {@link Session.close}:
   * `"closed"` when the engine closed it (stopped, crashed), `"unresponsive"` when it stopped
   * answering HTTP/2 pings (frozen).
   */
  onLost?: (how: "closed" | "unresponsive") => void;
  /** Milliseconds between HTTP/2 pings to the engine. @default 5000 */
  keepaliveMs?: number;
  /** Milliseconds to wait for a ping's answer before dropping the session. @default 10000 */
  keepaliveTimeoutMs?: number;
}

/**
 * Go's session ids are 25 random base-36 characters; we do the same.
 *
 * @example
 * ```ts
 * import { newSessionId } from "./session.ts";
 * newSessionId().length; // 25
 * ```
 */
export function newSessionId(): string {
  const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
  return Array.from(randomBytes(25), (b) => alphabet[b % 36]).join("");
}

/**
 * A session served to one engine.
 *
 * @example
 * ```ts
 * import { Session } from "./session.ts";
 * import { healthMethods } from "./health.ts";
 * const session = new Session({ sharedKey: "my-project", methods: healthMethods() });
 * // await session.attach(transport); ... await session.close();
 * ```
 */
export class Session {
  readonly id = newSessionId();
  readonly #options: SessionOptions;
  readonly #server: grpc.Server;
  readonly #injector: ReturnType<grpc.Server["createConnectionInjector"]>;
  #stream: Duplex | undefined;
  #closed = false;

  constructor(options: SessionOptions) {
    this.#options = options;
    this.#server = new grpc.Server({
      "grpc.max_receive_message_length": 32 * 1024 * 1024,
      "grpc.max_send_message_length": 32 * 1024 * 1024,
      // The session is the one connection the engine is the client of, so pinging it is welcome
      // (engines' own servers refuse pings more often than every 5 minutes): a frozen engine
      // leaves them unanswered and the session drops.
      "grpc.keepalive_time_ms": options.keepaliveMs ?? 5_000,
      "grpc.keepalive_timeout_ms": options.keepaliveTimeoutMs ?? 10_000,
    });
    // grpc-js groups handlers by service; one service per method path is enough.
    for (const m of options.methods) {
      this.#server.addService({ [m.path]: m.definition }, { [m.path]: m.handler });
    }
    this.#injector = this.#server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
    // Include/exclude patterns arrive as repeated header fields; keep them apart.
    keepRepeatedMetadata(this.#server);
  }

  /** The headers that announce this session and the methods it serves. */
  headers(): Record<string, string | readonly string[]> {
    return {
      "X-Docker-Expose-Session-Uuid": this.id,
      "X-Docker-Expose-Session-Name": this.#options.name ?? "drydock",
      "X-Docker-Expose-Session-Sharedkey": this.#options.sharedKey,
      "X-Docker-Expose-Session-Grpc-Method": this.#options.methods.map((m) => m.path),
    };
  }

  /** Opens the session's stream on `transport` and starts serving on it. */
  async attach(transport: Transport, signal?: AbortSignal): Promise<void> {
    const stream = await transport.openSession(this.headers(), signal);
    this.#stream = stream;
    // The engine's end arrives as "end" (or a reset); a session we drop after unanswered pings does not.
    let peerGone = false;
    stream.on("end", () => (peerGone = true));
    stream.on("error", () => (peerGone = true)); // the build reports the engine's view
    stream.on("close", () => {
      if (!this.#closed) this.#options.onLost?.(peerGone ? "closed" : "unresponsive");
    });
    // Bun's HTTP/2 server mishandles raises of the initial window that grpc-go makes mid-transfer.
    this.#injector.injectConnection(IS_BUN ? new InitialWindowShim(stream) : stream);
  }

  /** Stops serving and closes the stream. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#injector.destroy();
    this.#stream?.end();
    this.#stream?.destroy();
    this.#server.forceShutdown();
  }
}
