import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { type Packet, Packet_PacketType as T } from "../proto/fsutil_types.gen.ts";
import { createSerialSender, type PacketChannel } from "./packet_channel.ts";
import { createChannelPair } from "./packet_channel_test_util.ts";

async function drain(channel: PacketChannel): Promise<Packet[]> {
  const out: Packet[] = [];
  for await (const p of channel) out.push(p);
  return out;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("createChannelPair()", () => {
  test("delivers packets in order and ends when the peer half-closes", async () => {
    const [a, b] = createChannelPair();
    const received = drain(b);
    for (let id = 0; id < 10; id++) await a.send({ type: T.PACKET_REQ, id });
    a.end();
    assert.deepEqual((await received).map((p) => p.id), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test("send() does not resolve while the buffer is full (real backpressure)", async () => {
    const [a, b] = createChannelPair({ capacity: 2 });
    await a.send({ type: T.PACKET_REQ, id: 1 });
    let resolved = false;
    const second = a.send({ type: T.PACKET_REQ, id: 2 }).then(() => (resolved = true));
    await tick();
    assert.equal(resolved, false, "second send must wait for the reader");
    const it = b[Symbol.asyncIterator]();
    assert.equal((await it.next()).value?.id, 1);
    await second;
    assert.equal(resolved, true);
  });

  test("encode: true round-trips through the protobuf encoding", async () => {
    const [a, b] = createChannelPair({ encode: true });
    const received = drain(b);
    await a.send({
      type: T.PACKET_STAT,
      stat: { path: "x", mode: 0x800001ed, modTime: 1_700_000_000_123_456_789n },
    });
    await a.send({ type: T.PACKET_STAT });
    await a.send({ type: T.PACKET_DATA, id: 7 });
    a.end();
    const [stat, end, eof] = await received;
    assert.equal(stat.stat?.path, "x");
    assert.equal(stat.stat?.mode, 0x800001ed);
    assert.equal(stat.stat?.modTime, 1_700_000_000_123_456_789n);
    assert.equal(end.stat, undefined, "an empty STAT has no stat field on the wire");
    assert.deepEqual([eof.type, eof.id, eof.data?.length], [T.PACKET_DATA, 7, 0]);
    assert.ok(a.sentBytes > 0);
  });

  test("send() rejects once the reader is gone, and after end()", async () => {
    const [a, b] = createChannelPair({ capacity: 1 });
    const pending = a.send({ type: T.PACKET_REQ, id: 1 });
    await b[Symbol.asyncIterator]().return?.();
    await assert.rejects(pending, /stream is gone/);
    await assert.rejects(a.send({ type: T.PACKET_REQ, id: 2 }), /stream is gone/);
    const [c] = createChannelPair();
    c.end();
    await assert.rejects(c.send({ type: T.PACKET_FIN }), /after end/);
  });
});

describe("createSerialSender()", () => {
  test("concurrent sends reach the channel one at a time, in call order", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const sent: number[] = [];
    const channel: PacketChannel = {
      [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve({ done: true, value: undefined }) }),
      async send(p) {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await tick();
        sent.push(p.id ?? -1);
        inFlight--;
      },
      end() {},
    };
    const send = createSerialSender(channel);
    await Promise.all([1, 2, 3, 4].map((id) => send({ type: T.PACKET_REQ, id })));
    assert.deepEqual(sent, [1, 2, 3, 4]);
    assert.equal(maxInFlight, 1);
  });

  test("a failed send rejects only its caller", async () => {
    const channel: PacketChannel = {
      [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve({ done: true, value: undefined }) }),
      send: (p) => (p.id === 1 ? Promise.reject(new Error("boom")) : Promise.resolve()),
      end() {},
    };
    const send = createSerialSender(channel);
    const results = await Promise.allSettled([send({ id: 1 }), send({ id: 2 })]);
    assert.deepEqual(results.map((r) => r.status), ["rejected", "fulfilled"]);
  });
});
