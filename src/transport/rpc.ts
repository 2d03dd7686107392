/**
 * Typed gRPC calls over a grpc-js channel, driven by the generated method
 * descriptors, with errors turned into {@link RpcError}s.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import * as grpc from "@grpc/grpc-js";
import { Buffer } from "node:buffer";
import type { MethodDescriptor } from "../proto/runtime.gen.ts";
import { Status } from "../proto/google_rpc.gen.ts";

/** gRPC metadata as plain data; an array repeats the key. */
export type Metadata = Record<string, string | readonly string[]>;

/** Per-call options. */
export interface CallOptions {
  metadata?: Metadata;
  signal?: AbortSignal;
  /** Milliseconds until the call is cancelled with DEADLINE_EXCEEDED. */
  timeoutMs?: number;
}

/** A failed call: its gRPC status code and message, plus rich details when the engine sent them. */
export class RpcError extends DrydockError {
  override name = "RpcError";
  constructor(
    readonly method: string,
    /** The gRPC status code (14 UNAVAILABLE, 12 UNIMPLEMENTED ...). */
    readonly grpcCode: number,
    readonly details: string,
    /** Decoded `grpc-status-details-bin` (v0.13 engines): typed JSON details. */
    readonly statusDetails: readonly { typeUrl: string; value: Uint8Array }[] = [],
  ) {
    super("E_RPC", details || `${method} failed with gRPC status ${grpcCode}`);
  }
}

/** The grpc-js options every channel gets: messages may be big (logs, DiffCopy data). */
export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  "grpc.max_receive_message_length": 128 * 1024 * 1024,
  "grpc.max_send_message_length": 128 * 1024 * 1024,
  // No retries: a failed Solve must not run twice.
  "grpc.enable_retries": 0,
  // HTTP/2 keepalive on every engine connection (the Docker /grpc pipe included), as often as
  // engines allow: their gRPC servers drop clients pinging more than once per 5 minutes with
  // "too_many_pings". A frozen engine is noticed sooner through the build's session, which the
  // engine dials and we ping every 5 s (see Session).
  "grpc.keepalive_time_ms": 300_000,
  "grpc.keepalive_timeout_ms": 20_000,
};

/** Turns a descriptor into the serializer pair grpc-js wants. */
export function codecs<Req, Res>(m: MethodDescriptor<Req, Res>) {
  return {
    serializeRequest: (r: Req) => toBuffer(m.requestType.toBinary(r)),
    deserializeRequest: (b: Buffer) => m.requestType.fromBinary(b),
    serializeResponse: (r: Res) => toBuffer(m.responseType.toBinary(r)),
    deserializeResponse: (b: Buffer) => m.responseType.fromBinary(b),
  };
}

function toBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/**
 * A gRPC client for one engine connection.
 *
 * @example
 * ```ts
 * import * as grpc from "@grpc/grpc-js";
 * import { RpcClient } from "./rpc.ts";
 * import { ControlService } from "../proto/moby_buildkit_v1.gen.ts";
 * const rpc = new RpcClient("unix:///run/buildkit/buildkitd.sock", grpc.credentials.createInsecure());
 * const workers = await rpc.unary(ControlService.listWorkers, {}, { timeoutMs: 5000 });
 * rpc.close();
 * ```
 */
export class RpcClient {
  readonly #client: grpc.Client;

  constructor(target: string, credentials: grpc.ChannelCredentials, options: grpc.ChannelOptions = {}) {
    this.#client = new grpc.Client(target, credentials, { ...CHANNEL_OPTIONS, ...options });
  }

  /** One request, one response. */
  unary<Req, Res>(m: MethodDescriptor<Req, Res>, request: Req, options: CallOptions = {}): Promise<Res> {
    const c = codecs(m);
    return new Promise<Res>((resolve, reject) => {
      const call = this.#client.makeUnaryRequest(
        m.path,
        c.serializeRequest,
        c.deserializeResponse,
        request,
        toGrpcMetadata(options.metadata),
        callOptions(options),
        (err, res) => (err ? reject(toRpcError(m.path, err)) : resolve(res!)),
      );
      onAbort(options.signal, () => call.cancel());
    });
  }

  /** One request, a stream of responses; breaking out of the loop cancels the call. */
  async *serverStream<Req, Res>(
    m: MethodDescriptor<Req, Res>,
    request: Req,
    options: CallOptions = {},
  ): AsyncGenerator<Res> {
    const c = codecs(m);
    const call = this.#client.makeServerStreamRequest(
      m.path,
      c.serializeRequest,
      c.deserializeResponse,
      request,
      toGrpcMetadata(options.metadata),
      callOptions(options),
    );
    onAbort(options.signal, () => call.cancel());
    let done = false;
    try {
      for await (const msg of call as AsyncIterable<Res>) yield msg;
      done = true;
    } catch (err) {
      throw toRpcError(m.path, err as grpc.ServiceError);
    } finally {
      if (!done) call.cancel();
    }
  }

  /** A bidirectional stream, as grpc-js gives it. */
  bidi<Req, Res>(
    m: MethodDescriptor<Req, Res>,
    options: CallOptions = {},
  ): grpc.ClientDuplexStream<Req, Res> {
    const c = codecs(m);
    const call = this.#client.makeBidiStreamRequest(
      m.path,
      c.serializeRequest,
      c.deserializeResponse,
      toGrpcMetadata(options.metadata),
      callOptions(options),
    );
    onAbort(options.signal, () => call.cancel());
    return call;
  }

  /** Waits until the channel is connected, or fails after `timeoutMs`. */
  waitForReady(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) =>
      this.#client.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve()))
    );
  }

  close(): void {
    this.#client.close();
  }
}

function callOptions(options: CallOptions): grpc.CallOptions {
  return options.timeoutMs === undefined ? {} : { deadline: Date.now() + options.timeoutMs };
}

function onAbort(signal: AbortSignal | undefined, cancel: () => void): void {
  if (!signal) return;
  if (signal.aborted) cancel();
  else signal.addEventListener("abort", cancel, { once: true });
}

/**
 * Converts plain metadata to grpc-js Metadata.
 *
 * @example
 * ```ts
 * import { toGrpcMetadata } from "./rpc.ts";
 * toGrpcMetadata({ "buildkit-controlapi-buildid": "abc" }).get("buildkit-controlapi-buildid"); // ["abc"]
 * ```
 */
export function toGrpcMetadata(m: Metadata | undefined): grpc.Metadata {
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(m ?? {})) {
    for (const value of typeof v === "string" ? [v] : v) md.add(k.toLowerCase(), value);
  }
  return md;
}

/**
 * Converts a grpc-js error, decoding `grpc-status-details-bin` when present.
 *
 * @example
 * ```ts
 * import { toRpcError } from "./rpc.ts";
 * const err = toRpcError("/x/Y", new Error("boom"));
 * ```
 */
export function toRpcError(method: string, err: Partial<grpc.ServiceError> & Error): RpcError {
  if (err instanceof RpcError) return err;
  const code = typeof err.code === "number" ? err.code : grpc.status.UNKNOWN;
  let details = err.details ?? err.message;
  let statusDetails: { typeUrl: string; value: Uint8Array }[] = [];
  const raw = err.metadata?.get("grpc-status-details-bin")?.[0];
  if (raw instanceof Uint8Array) {
    try {
      const status = Status.fromBinary(raw);
      if (status.message) details = status.message;
      statusDetails = (status.details ?? []).map((d) => ({
        typeUrl: d.typeUrl ?? "",
        value: d.value ?? new Uint8Array(),
      }));
    } catch { /* keep the plain message */ }
  }
  return new RpcError(
    method,
    code,
    statusDetails.length ? details : plainGrpcDetails(details),
    statusDetails,
  );
}

/**
 * grpc-js's own failure texts without its internals (load balancer picks,
 * resolution notes, timing breakdowns), e.g. "No connection established.
 * Last error: write EPIPE (2026-…). Resolution note: " becomes "no connection
 * (write EPIPE)".
 *
 * @example
 * ```ts
 * import { plainGrpcDetails } from "./rpc.ts";
 * plainGrpcDetails("Deadline exceeded after 5.003s,name resolution: 0.027s,Waiting for LB pick"); // "no answer within 5.003s"
 * ```
 */
export function plainGrpcDetails(details: string): string {
  const noConnection =
    /^No connection established\. Last error: (.*?)(?: \(\d{4}-[^)]*\))?\.?(?: Resolution note:.*)?$/s
      .exec(details);
  if (noConnection) return `no connection (${noConnection[1].trim()})`;
  const deadline = /^Deadline exceeded after ([\d.]+s)/.exec(details);
  if (deadline && /Waiting for LB pick|name resolution/.test(details)) {
    return `no answer within ${deadline[1]}`;
  }
  return details.replace(/\s*Resolution note:.*$/s, "").replace(/,?\s*Waiting for LB pick/, "");
}
