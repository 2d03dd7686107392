/**
 * Test helpers (not part of the public API): a {@link Session} served over a
 * real socket, and a grpc-js client playing the engine's part.
 *
 * @module
 */
import * as grpc from "@grpc/grpc-js";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MethodDescriptor } from "../proto/runtime.gen.ts";
import { codecs } from "../transport/rpc.ts";
import type { Transport } from "../transport/transport.ts";
import { Session, type SessionMethod } from "./session.ts";

/** A served session and the engine-side client. */
export interface SessionHarness {
  /** Headers the session announced. */
  readonly headers: Record<string, string | readonly string[]>;
  unary<Req, Res>(
    m: MethodDescriptor<Req, Res>,
    request: Req,
    metadata?: Record<string, string>,
  ): Promise<Res>;
  bidi<Req, Res>(
    m: MethodDescriptor<Req, Res>,
    metadata?: Record<string, string>,
  ): grpc.ClientDuplexStream<Req, Res>;
  close(): Promise<void>;
}

/** Serves `methods` in a Session, reached through a unix socket as the engine would. */
export async function serveSession(methods: SessionMethod[]): Promise<SessionHarness> {
  const dir = await mkdtemp(join(tmpdir(), "drydock-session-test-"));
  const path = join(dir, "s.sock");
  const accepted = new Promise<Socket>((resolve) => {
    const server = createServer((socket) => {
      server.close();
      resolve(socket);
    });
    server.listen(path);
  });
  let headers: Record<string, string | readonly string[]> = {};
  const transport = {
    openSession: (h: Record<string, string | readonly string[]>) => {
      headers = h;
      return accepted;
    },
  } as unknown as Transport;
  const session = new Session({ sharedKey: "test", methods });
  const attaching = session.attach(transport);
  const client = new grpc.Client(`unix:${path}`, grpc.credentials.createInsecure());
  // The client connects lazily; ask it to, or the session never gets its socket.
  await Promise.all([
    attaching,
    new Promise<void>((resolve, reject) =>
      client.waitForReady(Date.now() + 10_000, (err) => (err ? reject(err) : resolve()))
    ),
  ]);
  const md = (m?: Record<string, string>) => {
    const out = new grpc.Metadata();
    for (const [k, v] of Object.entries(m ?? {})) out.set(k, v);
    return out;
  };
  return {
    get headers() {
      return headers;
    },
    unary<Req, Res>(m: MethodDescriptor<Req, Res>, request: Req, metadata?: Record<string, string>) {
      const c = codecs(m);
      return new Promise<Res>((resolve, reject) => {
        client.makeUnaryRequest(
          m.path,
          c.serializeRequest,
          c.deserializeResponse,
          request,
          md(metadata),
          (err, res) => (err ? reject(err) : resolve(res as Res)),
        );
      });
    },
    bidi<Req, Res>(m: MethodDescriptor<Req, Res>, metadata?: Record<string, string>) {
      const c = codecs(m);
      return client.makeBidiStreamRequest(m.path, c.serializeRequest, c.deserializeResponse, md(metadata));
    },
    async close() {
      client.close();
      session.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
