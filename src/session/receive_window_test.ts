// A real grpc-js server and a plain HTTP/2 client playing the engine: the widened window is announced,
// and a transfer far larger than it (and than HTTP/2's default window) arrives whole.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import http2 from "node:http2";
import { Buffer } from "node:buffer";
import { RECEIVE_WINDOW_BYTES, widenReceiveWindow } from "./receive_window.ts";

const raw = (b: unknown) => b as Buffer;
const METHOD = { path: "/test.Sink/Take", requestStream: true, responseStream: true } as const;

/** One gRPC message: the 5-byte prefix and `body`. */
function grpcMessage(body: Uint8Array): Buffer {
  const frame = Buffer.alloc(5 + body.length);
  frame.writeUInt32BE(body.length, 1);
  frame.set(body, 5);
  return frame;
}

describe("widenReceiveWindow()", () => {
  test("announces the wider window, and 24 MiB in 1 MiB messages arrive whole", async () => {
    const found: boolean[] = [];
    let received = 0;
    const server = new grpc.Server();
    server.addService({
      take: {
        ...METHOD,
        requestSerialize: raw,
        requestDeserialize: raw,
        responseSerialize: raw,
        responseDeserialize: raw,
      },
    }, {
      take: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
        found.push(widenReceiveWindow(call), widenReceiveWindow(call));
        call.on("data", (m: Buffer) => (received += m.length));
        call.on("end", () => call.end());
      },
    } as unknown as grpc.UntypedServiceImplementation);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(
        "127.0.0.1:0",
        grpc.ServerCredentials.createInsecure(),
        (e, p) => e ? reject(e) : resolve(p),
      )
    );
    const client = http2.connect(`http://127.0.0.1:${port}`);
    try {
      const windows: number[] = [];
      client.on("remoteSettings", (s) => windows.push(s.initialWindowSize ?? 0));
      const stream = client.request({
        ":method": "POST",
        ":path": METHOD.path,
        "content-type": "application/grpc",
        te: "trailers",
      });
      const ended = new Promise<void>((resolve, reject) => {
        stream.on("close", resolve);
        stream.on("error", reject);
        stream.resume();
      });
      const body = new Uint8Array(1024 * 1024).fill(7);
      for (let i = 0; i < 24; i++) {
        if (!stream.write(grpcMessage(body))) await new Promise((r) => stream.once("drain", r));
      }
      stream.end();
      await ended;
      assert.deepEqual(found, [true, true]);
      assert.equal(received, 24 * body.length);
      assert.ok(windows.includes(RECEIVE_WINDOW_BYTES), `announced windows: ${windows.join(", ")}`);
    } finally {
      client.close();
      server.forceShutdown();
    }
  });

  test("answers false for a call without an HTTP/2 session", () => {
    assert.equal(widenReceiveWindow({} as unknown as grpc.ServerDuplexStream<unknown, unknown>), false);
  });
});
