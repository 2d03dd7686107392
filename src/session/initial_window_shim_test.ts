import { describe, test } from "node:test";
import assert from "node:assert/strict";
import http2 from "node:http2";
import net from "node:net";
import { Duplex } from "node:stream";
import { InitialWindowShim } from "./initial_window_shim.ts";

const PREFACE = new TextEncoder().encode("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

function frame(
  type: number,
  flags: number,
  stream: number,
  payload: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const out = new Uint8Array(9 + payload.length);
  const n = payload.length;
  out.set([
    n >>> 16,
    (n >>> 8) & 0xff,
    n & 0xff,
    type,
    flags,
    stream >>> 24,
    (stream >>> 16) & 0xff,
    (stream >>> 8) & 0xff,
    stream & 0xff,
  ]);
  out.set(payload, 9);
  return out;
}

const u32 = (v: number) => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const settings = (...params: [number, number][]) =>
  frame(0x4, 0, 0, new Uint8Array(params.flatMap(([id, v]) => [id >>> 8, id & 0xff, ...u32(v)])));
const windowUpdate = (stream: number, increment: number) =>
  frame(0x8, 0, stream, new Uint8Array(u32(increment)));
// HPACK: GET, http, /, and :authority "x" (literal, indexed name).
const REQUEST_HEADERS = new Uint8Array([0x82, 0x86, 0x84, 0x41, 0x01, 0x78]);

interface Frame {
  readonly type: number;
  readonly flags: number;
  readonly stream: number;
  readonly payload: Uint8Array;
}

function parseFrames(bytes: Uint8Array): Frame[] {
  const frames: Frame[] = [];
  for (let at = 0; at < bytes.length;) {
    const n = (bytes[at] << 16) | (bytes[at + 1] << 8) | bytes[at + 2];
    const stream = ((bytes[at + 5] & 0x7f) << 24) | (bytes[at + 6] << 16) | (bytes[at + 7] << 8) |
      bytes[at + 8];
    frames.push({
      type: bytes[at + 3],
      flags: bytes[at + 4],
      stream,
      payload: bytes.slice(at + 9, at + 9 + n),
    });
    at += 9 + n;
  }
  return frames;
}

/**
 * What the shim hands the server when `steps` happen in turn: bytes from the client, or (`{ server }`)
 * bytes the server writes.
 */
async function throughShim(
  steps: readonly (Uint8Array | { server: Uint8Array })[],
  split = false,
): Promise<Frame[]> {
  // The client's end: pushed bytes are what it sends, written bytes (the server's) go nowhere.
  const client = new Duplex({ read() {}, write: (_c, _e, cb) => cb() });
  const shim = new InitialWindowShim(client);
  const seen: Uint8Array[] = [];
  shim.on("data", (c: Uint8Array) => seen.push(c));
  for (const step of steps) {
    if ("server" in step) {
      shim.write(step.server);
    } else if (split) {
      for (const b of step) client.push(new Uint8Array([b]));
    } else {
      client.push(step);
    }
    await new Promise((resolve) => setImmediate(resolve)); // in order: pushed bytes are read later
  }
  await new Promise((resolve) => setImmediate(resolve));
  shim.destroy();
  const all = new Uint8Array(seen.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of seen) {
    all.set(c, at);
    at += c.length;
  }
  assert.deepEqual(all.subarray(0, 24), PREFACE);
  return parseFrames(all.subarray(24));
}

describe("InitialWindowShim", () => {
  test("a raised initial window becomes WINDOW_UPDATEs for the open streams; other settings pass", async () => {
    for (const split of [false, true]) {
      const frames = await throughShim(
        [
          PREFACE,
          settings([0x3, 100]),
          frame(0x1, 0x4, 1, REQUEST_HEADERS),
          frame(0x1, 0x4, 3, REQUEST_HEADERS),
          settings([0x4, 131_070], [0x5, 32_768]),
        ],
        split,
      );
      const summary = frames.map((f) => [f.type, f.stream, [...f.payload]]);
      assert.deepEqual(summary, [
        [0x4, 0, [0, 3, 0, 0, 0, 100]],
        [0x1, 1, [...REQUEST_HEADERS]],
        [0x1, 3, [...REQUEST_HEADERS]],
        [0x4, 0, [0, 5, 0, 0, 0x80, 0]],
        [0x8, 1, u32(65_535)],
        [0x8, 3, u32(65_535)],
      ], split ? "one byte per chunk" : "whole frames");
    }
  });

  test("streams opened after a raise get its credit once their header block ends", async () => {
    const frames = await throughShim([
      PREFACE,
      settings([0x4, 1_048_576]),
      frame(0x1, 0x0, 5, REQUEST_HEADERS.subarray(0, 3)),
      frame(0x9, 0x4, 5, REQUEST_HEADERS.subarray(3)),
      frame(0x0, 0x1, 5, new Uint8Array([1, 2, 3])),
    ]);
    assert.deepEqual(frames.map((f) => [f.type, f.stream]), [[0x4, 0], [0x1, 5], [0x9, 5], [0x8, 5], [
      0x0,
      5,
    ]]);
    assert.deepEqual([...frames[3].payload], u32(1_048_576 - 65_535));
    assert.equal(frames[0].payload.length, 0, "the setting is taken out; the frame stays to be acknowledged");
  });

  test("streams the server ended or either side reset get no credit", async () => {
    const frames = await throughShim([
      PREFACE,
      frame(0x1, 0x4, 1, REQUEST_HEADERS),
      frame(0x1, 0x4, 3, REQUEST_HEADERS),
      frame(0x1, 0x4, 5, REQUEST_HEADERS),
      { server: frame(0x0, 0x1, 1, new Uint8Array([7])) },
      frame(0x3, 0, 5, new Uint8Array(u32(8))),
      settings([0x4, 100_000]),
    ]);
    const updates = frames.filter((f) => f.type === 0x8).map((f) => [f.stream, [...f.payload]]);
    assert.deepEqual(updates, [[3, u32(100_000 - 65_535)]]);
  });

  test("a lowered initial window lowers the server's by as much", async () => {
    const frames = await throughShim([
      PREFACE,
      settings([0x4, 100_000]),
      settings([0x4, 90_000]),
      frame(0x1, 0x4, 1, REQUEST_HEADERS),
    ]);
    assert.deepEqual(frames.map((f) => [f.type, f.stream, [...f.payload]]), [
      [0x4, 0, []],
      [0x4, 0, [0, 4, ...u32(55_535)]],
      [0x1, 1, [...REQUEST_HEADERS]],
      [0x8, 1, u32(34_465)],
    ]);
  });

  // The stall itself needs a real engine (tests/integration/context_test.ts on Bun fails without the shim);
  // here a client that flow-controls as grpc-go does, raising the window while the stream has room,
  // gets a whole response through the shim from the runtime's own HTTP/2 server.
  test("the runtime's HTTP/2 server sends everything to a client that flow-controls as grpc-go", async () => {
    const total = 16 * 1024 * 1024;
    const server = http2.createServer();
    server.on("stream", (stream) => {
      stream.respond({ ":status": 200 });
      const piece = new Uint8Array(64 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < total) {
          sent += piece.length;
          if (!stream.write(piece)) return void stream.once("drain", pump);
        }
        stream.end();
      };
      pump();
    });
    const listener = net.createServer((socket) => server.emit("connection", new InitialWindowShim(socket)));
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const socket = net.connect((listener.address() as net.AddressInfo).port, "127.0.0.1");
    try {
      assert.equal(await receiveAsGrpcGo(socket, total, 1024 * 1024 + 5), total);
    } finally {
      socket.destroy();
      server.close();
      await new Promise((resolve) => listener.close(resolve));
    }
  });
});

/**
 * Reads one response on stream 1 the way grpc-go's stream flow control does (its inFlow): messages of
 * `messageBytes` are consumed only whole, a WINDOW_UPDATE goes out when a quarter of the window was
 * consumed, a message that does not fit the sender's window is granted at once when its read starts,
 * and the initial window is raised by SETTINGS (as its bandwidth estimator does) at fixed points.
 */
function receiveAsGrpcGo(socket: net.Socket, total: number, messageBytes: number): Promise<number> {
  const raises = [[65_535, 130_992], [200_000, 294_732], [400_000, 523_968], [800_000, 2_097_164]];
  let limit = 65_535;
  let pendingData = 0; // received, not consumed
  let pendingUpdate = 0; // consumed, not acknowledged
  let delta = 0; // granted beyond the limit for a message being read
  let got = 0;
  let consumed = 0;
  let reading = false; // a message's read has started (its window was checked)
  const send = (bytes: Uint8Array) => socket.write(bytes);
  const onRead = (n: number) => {
    pendingData -= n;
    if (n > delta) {
      n -= delta;
      delta = 0;
    } else {
      delta -= n;
      n = 0;
    }
    pendingUpdate += n;
    if (pendingUpdate >= limit / 4) {
      send(windowUpdate(1, pendingUpdate));
      pendingUpdate = 0;
    }
  };
  const readMessages = () => {
    for (;;) {
      const want = Math.min(messageBytes, total - consumed);
      if (want === 0) return;
      if (!reading) {
        reading = true;
        const senderQuota = limit - (pendingData + pendingUpdate);
        if (want - pendingData > senderQuota) {
          delta = want;
          send(windowUpdate(1, delta));
        }
      }
      if (pendingData < want) return;
      consumed += want;
      reading = false;
      onRead(want);
    }
  };
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stalled at ${got} of ${total} bytes`)), 20_000);
    let buffered = new Uint8Array(0);
    send(PREFACE);
    send(settings());
    send(windowUpdate(0, 2 ** 31 - 1 - 65_535));
    send(frame(0x1, 0x5, 1, REQUEST_HEADERS));
    socket.on("error", reject);
    socket.on("data", (chunk: Uint8Array) => {
      const joined = new Uint8Array(buffered.length + chunk.length);
      joined.set(buffered);
      joined.set(chunk, buffered.length);
      let at = 0;
      while (joined.length - at >= 9) {
        const n = (joined[at] << 16) | (joined[at + 1] << 8) | joined[at + 2];
        if (joined.length - at < 9 + n) break;
        const [type, flags] = [joined[at + 3], joined[at + 4]];
        at += 9 + n;
        if (type === 0x4 && !(flags & 0x1)) send(frame(0x4, 0x1, 0));
        if (type !== 0x0 || n === 0) continue;
        got += n;
        pendingData += n;
        if (pendingData + pendingUpdate > limit + delta) {
          reject(new Error(`the server sent beyond the window at ${got} bytes`));
        }
        while (raises.length > 0 && got >= raises[0][0]) {
          limit = raises.shift()![1];
          send(settings([0x4, limit]));
        }
        readMessages();
        // Deno's server ends this stream with RST_STREAM(NO_ERROR) rather than END_STREAM: count bytes.
        if (got >= total) {
          clearTimeout(timer);
          resolve(got);
        }
      }
      buffered = joined.slice(at);
    });
  });
}
