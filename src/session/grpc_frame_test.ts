import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Packet, Packet_PacketType as T } from "../proto/fsutil_types.gen.ts";
import { allocDataBuffer, grpcFrame, recycleFrame } from "./grpc_frame.ts";

/** What grpc-js would put on the wire for `packet`: a 5-byte prefix and protobufjs's encoding. */
function reference(packet: Packet): Uint8Array {
  const body = Packet.encode(packet).finish();
  const frame = new Uint8Array(5 + body.length);
  new DataView(frame.buffer).setUint32(1, body.length);
  frame.set(body, 5);
  return frame;
}

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

describe("grpcFrame()", () => {
  const cases: [string, Packet][] = [
    ["a STAT with a stat", {
      type: T.PACKET_STAT,
      stat: { path: "a/b", mode: 0o644, size: 3n, modTime: 1700000000123456789n },
    }],
    ["the end-of-listing STAT", { type: T.PACKET_STAT }],
    ["a REQ", { type: T.PACKET_REQ, id: 300 }],
    ["FIN", { type: T.PACKET_FIN }],
    ["an ERR", { type: T.PACKET_ERR, data: new TextEncoder().encode("boom") }],
    ["an empty DATA (end of file)", { type: T.PACKET_DATA, id: 7 }],
    ["an empty DATA for ID 0", { type: T.PACKET_DATA, id: 0 }],
    ["DATA with ID 0", { type: T.PACKET_DATA, data: bytes(5, 1) }],
    ["DATA with a one-byte ID and length", { type: T.PACKET_DATA, id: 127, data: bytes(127, 2) }],
    ["DATA with two-byte varints", { type: T.PACKET_DATA, id: 128, data: bytes(128, 3) }],
    ["DATA with a large ID and 1 MiB", { type: T.PACKET_DATA, id: 2 ** 32 - 1, data: bytes(1 << 20, 4) }],
  ];
  for (const [name, packet] of cases) {
    test(`encodes ${name} exactly as protobufjs + grpc-js do`, () => {
      assert.deepEqual(new Uint8Array(grpcFrame(packet)), reference(packet));
    });
  }

  test("writes a DATA header in front of an allocDataBuffer() view, without copying the data", () => {
    const data = allocDataBuffer(1000);
    data.set(bytes(1000, 5));
    const used = data.subarray(0, 600); // a short read
    const frame = grpcFrame({ type: T.PACKET_DATA, id: 9, data: used });
    assert.equal(frame.buffer, data.buffer, "the frame shares the data's memory");
    assert.deepEqual(new Uint8Array(frame), reference({ type: T.PACKET_DATA, id: 9, data: bytes(600, 5) }));
  });

  test("copies data that has no headroom, and leaves the bytes before it alone", () => {
    const backing = bytes(100, 6);
    const before = backing.slice(0, 50);
    const frame = grpcFrame({ type: T.PACKET_DATA, id: 1, data: backing.subarray(50) });
    assert.notEqual(frame.buffer, backing.buffer);
    assert.deepEqual(backing.subarray(0, 50), before);
    assert.deepEqual(
      new Uint8Array(frame),
      reference({ type: T.PACKET_DATA, id: 1, data: backing.subarray(50) }),
    );
  });

  test("an allocDataBuffer() view at a different offset is not written in front of", () => {
    const data = allocDataBuffer(100);
    const inner = data.subarray(10, 20); // same buffer, but bytes before it are the caller's
    const snapshot = data.slice();
    grpcFrame({ type: T.PACKET_DATA, id: 3, data: inner });
    assert.deepEqual(data, snapshot);
  });
});

describe("recycleFrame()", () => {
  test("gives an in-place DATA frame's memory back to allocDataBuffer()", () => {
    const data = allocDataBuffer(100_000);
    const frame = grpcFrame({ type: T.PACKET_DATA, id: 2, data: data.subarray(0, 10) });
    recycleFrame(frame);
    const again = allocDataBuffer(80_000);
    assert.equal(again.buffer, data.buffer);
    assert.equal(again.length, 80_000);
    // A header still fits in front of the reused view.
    assert.deepEqual(
      new Uint8Array(grpcFrame({ type: T.PACKET_DATA, id: 300, data: again })),
      reference({ type: T.PACKET_DATA, id: 300, data: again.slice() }),
    );
  });

  test("ignores frames that were copied, and never hands out one buffer twice", () => {
    recycleFrame(grpcFrame({ type: T.PACKET_DATA, id: 1, data: new Uint8Array(8) }));
    const data = allocDataBuffer(70_000);
    const frame = grpcFrame({ type: T.PACKET_DATA, id: 1, data });
    recycleFrame(frame);
    recycleFrame(frame);
    const a = allocDataBuffer(70_000);
    const b = allocDataBuffer(70_000);
    assert.notEqual(a.buffer, b.buffer);
  });

  test("small views share a slab: each frame is written in front of its own view only, none recycled", () => {
    const views = [1, 1024, 5000, 1].map((n, i) => {
      const v = allocDataBuffer(n);
      v.fill(i + 1);
      return v;
    });
    assert.ok(views.every((v) => v.buffer === views[0].buffer));
    const frames = views.map((v, i) => grpcFrame({ type: T.PACKET_DATA, id: 70_000 + i, data: v }));
    frames.forEach((f, i) => {
      assert.equal(f.buffer, views[i].buffer, "in place");
      assert.deepEqual(
        new Uint8Array(f),
        reference({ type: T.PACKET_DATA, id: 70_000 + i, data: new Uint8Array(views[i].length).fill(i + 1) }),
      );
    });
    recycleFrame(frames[1]);
    assert.notEqual(allocDataBuffer(100_000).buffer, views[0].buffer);
  });
});
