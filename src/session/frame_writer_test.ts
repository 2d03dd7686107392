import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { type FrameSink, FrameWriter } from "./frame_writer.ts";

/** A sink that records writes and calls them back only when told to. */
class ManualSink implements FrameSink {
  readonly writes: Uint8Array[] = [];
  readonly #callbacks: ((error?: Error | null) => void)[] = [];
  write(chunk: Uint8Array, callback: (error?: Error | null) => void): boolean {
    this.writes.push(new Uint8Array(chunk)); // a copy, as a plain Uint8Array
    this.#callbacks.push(callback);
    return true;
  }
  get pending(): number {
    return this.#callbacks.length;
  }
  ack(error?: Error): void {
    this.#callbacks.shift()!(error);
  }
  ackAll(): void {
    while (this.#callbacks.length > 0) this.ack();
  }
}

const message = (length: number, fill: number) => new Uint8Array(length).fill(fill);
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), at += p.length);
  return out;
};
const settled = async (p: Promise<unknown>) => {
  let done = false;
  p.then(() => (done = true), () => (done = true));
  await turn();
  return done;
};

describe("FrameWriter", () => {
  test("joins the small messages of one turn into one write, in order", async () => {
    const sink = new ManualSink();
    const writer = new FrameWriter(sink);
    const messages = [message(10, 1), message(20, 2), message(5, 3)];
    for (const m of messages) await writer.write(m);
    assert.equal(sink.writes.length, 0, "nothing is written in the turn that queued it");
    await turn();
    assert.deepEqual(sink.writes, [concat(messages)]);
    sink.ackAll();
    await writer.drained();
  });

  test("splits a message longer than maxWriteBytes across writes, one in flight at a time", async () => {
    const sink = new ManualSink();
    const writer = new FrameWriter(sink, { maxWriteBytes: 4, joinBytes: 4, maxWritesInFlight: 1 });
    const big = Uint8Array.from({ length: 10 }, (_, i) => i);
    await writer.write(big);
    await writer.write(message(2, 9));
    const drained = writer.drained();
    const seen: number[] = [];
    while (concat(sink.writes).length < 12) {
      await turn();
      assert.ok(sink.pending <= 1, "at most one write in flight");
      if (sink.pending === 1) (seen.push(sink.writes.at(-1)!.length), sink.ack());
    }
    assert.deepEqual(seen, [4, 4, 4], "the big message's last 2 bytes join the next message");
    assert.deepEqual(concat(sink.writes), concat([big, message(2, 9)]));
    assert.ok(sink.writes.every((w) => w.length <= 4));
    sink.ackAll();
    await drained;
  });

  test("a message of joinBytes or more goes out alone, unjoined", async () => {
    const sink = new ManualSink();
    const writer = new FrameWriter(sink, { joinBytes: 8 });
    await writer.write(message(3, 1));
    await writer.write(message(8, 2));
    await writer.write(message(3, 3));
    await turn();
    assert.deepEqual(sink.writes.map((w) => w.length), [3, 8, 3]);
    sink.ackAll();
  });

  test("write() stops resolving at highWaterBytes and resumes as writes are called back", async () => {
    const sink = new ManualSink();
    const writer = new FrameWriter(sink, { highWaterBytes: 100, joinBytes: 1 });
    await writer.write(message(60, 1));
    const blocked = writer.write(message(60, 2));
    assert.equal(await settled(blocked), false, "160 bytes queued or in flight: no more");
    assert.equal(sink.pending, 2);
    sink.ack(); // 60 left in flight
    assert.equal(await settled(blocked), true);
    sink.ackAll();
    await writer.drained();
  });

  test("write() stops resolving at highWaterMessages queued, and resumes once they are taken", async () => {
    const sink = new ManualSink();
    const writer = new FrameWriter(sink, { highWaterMessages: 3, joinBytes: 4, maxWritesInFlight: 1 });
    await writer.write(message(4, 1)); // taken alone at the next turn
    await turn();
    for (const fill of [2, 3]) await writer.write(message(1, fill));
    const blocked = writer.write(message(1, 4));
    assert.equal(await settled(blocked), false, "3 small messages queued behind the write in flight");
    sink.ack(); // the next turn takes the three queued messages as one joined write
    assert.equal(await settled(blocked), true);
    sink.ackAll();
    await writer.drained();
    assert.deepEqual(sink.writes.map((w) => [...w]), [[1, 1, 1, 1], [2, 3, 4]]);
  });

  test("a failed write fails waiting and later writes, and drained()", async () => {
    const sink = new ManualSink();
    const writer = new FrameWriter(sink, { highWaterBytes: 10 });
    const blocked = writer.write(message(20, 1));
    const drained = writer.drained();
    await turn();
    sink.ack(new Error("stream reset"));
    await assert.rejects(blocked, /stream reset/);
    await assert.rejects(drained, /stream reset/);
    await assert.rejects(writer.write(message(1, 1)), /stream reset/);
  });

  test("fail() drops what is queued: nothing more reaches the sink", async () => {
    const sink = new ManualSink();
    const writer = new FrameWriter(sink);
    await writer.write(message(5, 1));
    writer.fail(new Error("cancelled"));
    await turn();
    assert.equal(sink.writes.length, 0);
    await assert.rejects(writer.drained(), /cancelled/);
  });

  test("many small messages keep their order across joined writes and queue compaction", async () => {
    const sink = new ManualSink();
    const writer = new FrameWriter(sink, { joinBytes: 64, maxWritesInFlight: 2 });
    const all: Uint8Array[] = [];
    const acker = setInterval(() => sink.ackAll(), 0);
    for (let i = 0; i < 20_000; i++) {
      const m = message(1 + (i % 7), i & 0xff);
      all.push(m);
      await writer.write(m);
    }
    await writer.drained();
    clearInterval(acker);
    assert.deepEqual(concat(sink.writes), concat(all));
    assert.ok(sink.writes.every((w) => w.length <= 64));
  });
});

describe("FrameWriter onWritten", () => {
  test("fires after the write holding a message's last byte is called back", async () => {
    const sink = new ManualSink();
    const writer = new FrameWriter(sink, { maxWriteBytes: 4, joinBytes: 4, maxWritesInFlight: 1 });
    const fired: string[] = [];
    await writer.write(message(6, 1), () => fired.push("big"));
    await turn();
    sink.ack(); // first 4 bytes
    await turn();
    assert.deepEqual(fired, [], "2 bytes still in flight");
    sink.ack();
    assert.deepEqual(fired, ["big"]);
  });

  test("fires once joined messages were copied, before the write completes", async () => {
    const sink = new ManualSink();
    const writer = new FrameWriter(sink);
    const fired: number[] = [];
    await writer.write(message(3, 1), () => fired.push(1));
    await writer.write(message(3, 2), () => fired.push(2));
    await turn();
    assert.deepEqual(fired, [1, 2]);
    assert.equal(sink.pending, 1);
    sink.ackAll();
  });

  test("never fires for a failed write", async () => {
    const sink = new ManualSink();
    const writer = new FrameWriter(sink);
    let fired = false;
    await writer.write(message(100_000, 1), () => (fired = true));
    await turn();
    sink.ack(new Error("reset"));
    assert.equal(fired, false);
  });
});
