/**
 * A standalone buildkitd (`BUILDKIT_HOST`): plain gRPC on a unix socket or TCP
 * (optionally mTLS). Sessions ride inside the `Control.Session` stream.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import * as grpc from "@grpc/grpc-js";
import { Buffer } from "node:buffer";
import type { Socket } from "node:net";
import { Duplex } from "node:stream";
import { ControlService } from "../proto/moby_buildkit_v1.gen.ts";
import type { BytesMessage } from "../proto/moby_buildkit_v1.gen.ts";
import { type EngineAddress, formatSocketAddress } from "./address.ts";
import { dial } from "./dial.ts";
import { RpcClient } from "./rpc.ts";
import type { Transport } from "./transport.ts";

/**
 * A connection to a buildkitd.
 *
 * @example
 * ```ts
 * import { BuildkitdTransport } from "./buildkitd.ts";
 * import { discoverEngine } from "./discover.ts";
 * const bk = BuildkitdTransport.open(discoverEngine({ BUILDKIT_HOST: "unix:///run/buildkit/buildkitd.sock" }));
 * await bk.ping();
 * await bk.close();
 * ```
 */
export class BuildkitdTransport implements Transport {
  readonly engine = "buildkitd" as const;
  readonly address: string;
  readonly rpc: RpcClient;
  readonly #streams = new Set<Duplex>();
  readonly #target: EngineAddress;

  private constructor(target: EngineAddress) {
    this.#target = target;
    this.address = formatSocketAddress(target.socket);
    const s = target.socket;
    const grpcTarget = s.kind === "unix"
      ? `unix://${s.path}`
      : `${s.host.includes(":") ? `[${s.host}]` : s.host}:${s.port}`;
    const tls = target.tls;
    const credentials = tls
      ? grpc.credentials.createSsl(
        tls.ca ? Buffer.from(tls.ca) : null,
        tls.key ? Buffer.from(tls.key) : null,
        tls.cert ? Buffer.from(tls.cert) : null,
      )
      : grpc.credentials.createInsecure();
    const options: grpc.ChannelOptions = tls?.serverName
      ? { "grpc.ssl_target_name_override": tls.serverName }
      : {};
    this.rpc = new RpcClient(grpcTarget, credentials, options);
  }

  static open(target: EngineAddress): BuildkitdTransport {
    return new BuildkitdTransport(target);
  }

  async ping(signal?: AbortSignal): Promise<void> {
    // A raw dial first: its error says why (no socket, refused, bad certificate...), gRPC's only "unavailable".
    const socket = await dial(this.#target.socket, this.#target.tls, signal);
    try {
      // With TLS 1.3 a server refuses a client certificate only after the handshake: wait until it speaks.
      if (this.#target.tls) await serverSpeaks(socket, this.#target.tls.cert !== undefined, signal);
    } finally {
      socket.destroy();
    }
    await this.rpc.unary(ControlService.listWorkers, {}, { timeoutMs: 5_000, signal });
  }

  openSession(headers: Record<string, string | readonly string[]>, signal?: AbortSignal): Promise<Duplex> {
    const call = this.rpc.bidi(ControlService.session, { metadata: headers, signal });
    const stream = new SessionStream(call);
    this.#streams.add(stream);
    stream.on("close", () => this.#streams.delete(stream));
    return Promise.resolve(stream);
  }

  close(): Promise<void> {
    for (const s of this.#streams) s.destroy();
    this.rpc.close();
    return Promise.resolve();
  }
}

// The HTTP/2 client preface and an empty SETTINGS frame: any HTTP/2 server answers with its SETTINGS.
const H2_PREFACE = Buffer.concat([
  Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
  Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]),
]);

function serverSpeaks(socket: Socket, withClientCert: boolean, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      socket.removeAllListeners("data");
      signal?.removeEventListener("abort", onAbort);
      if (err) reject(err);
      else resolve();
    };
    const onAbort = () => done(signal?.reason ?? new DrydockError("E_INTERRUPTED", "aborted"));
    const timer = setTimeout(
      () => done(new DrydockError("E_ENGINE_UNAVAILABLE", "the server did not answer over TLS within 5 s")),
      5_000,
    );
    signal?.addEventListener("abort", onAbort, { once: true });
    socket.once("data", () => done());
    socket.once("error", (err) => done(err));
    socket.once("close", () =>
      done(
        new DrydockError(
          "E_ENGINE_UNAVAILABLE",
          "the server closed the connection after the TLS handshake: " + (withClientCert
            ? "it did not accept the client certificate (check --tlscert/--tlskey and which CA the server trusts)"
            : "it probably requires a client certificate (--tlscert/--tlskey)"),
        ),
      ));
    socket.write(H2_PREFACE);
  });
}

/** The raw byte stream carried in `Control.Session`'s BytesMessages, as a Duplex. */
class SessionStream extends Duplex {
  readonly #call: grpc.ClientDuplexStream<BytesMessage, BytesMessage>;

  constructor(call: grpc.ClientDuplexStream<BytesMessage, BytesMessage>) {
    super({ allowHalfOpen: true });
    this.#call = call;
    call.on("data", (msg: BytesMessage) => {
      if (msg.data && msg.data.byteLength > 0 && !this.push(msg.data)) call.pause();
    });
    call.on("end", () => this.push(null));
    call.on("error", (err: grpc.ServiceError) => {
      // Ending the session cancels the call; that is not an error.
      if (err.code === grpc.status.CANCELLED) this.push(null);
      else this.destroy(err);
    });
  }

  override _read(): void {
    this.#call.resume();
  }

  override _write(chunk: Uint8Array, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.#call.write({ data: chunk })) cb();
    else this.#call.once("drain", () => cb());
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.#call.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.#call.cancel();
    cb(err);
  }
}
