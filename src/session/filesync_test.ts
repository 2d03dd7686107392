import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { appendFile, chmod, mkdir, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Packet, Packet_PacketType as T } from "../proto/fsutil_types.gen.ts";
import { sendTree, type SendTreeOptions, type SendTreeStats } from "./filesync.ts";
import { createChannelPair, recordChannel } from "./packet_channel_test_util.ts";
import { withTempDir } from "../fs/tree_fixture_test_util.ts";

const text = (d?: Uint8Array) => new TextDecoder().decode(d);

/** The receiving end of a running sendTree(), driven step by step by the test. */
interface Peer {
  next(): Promise<Packet>;
  /** Reads STATs up to and including the empty one; returns the entries' stats. */
  listing(): Promise<Packet[]>;
  send(p: Packet): Promise<void>;
  end(): void;
  /** Whether the sender has ended its side (after its FIN). */
  ended(): Promise<boolean>;
  result: Promise<SendTreeStats>;
  /** Packets sendTree sent. */
  sent: Packet[];
}

function startSend(root: string, options: SendTreeOptions = {}, capacity = 4): Peer {
  const [ours, theirs] = createChannelPair({ capacity, encode: true });
  const { channel, log } = recordChannel(ours);
  const result = sendTree(channel, root, options);
  result.catch(() => {});
  const it = theirs[Symbol.asyncIterator]();
  const next = async () => {
    const r = await it.next();
    if (r.done) throw new Error("sender ended its side");
    return r.value;
  };
  return {
    next,
    async listing() {
      const out: Packet[] = [];
      for (;;) {
        const p = await next();
        assert.equal(p.type, T.PACKET_STAT);
        if (p.stat === undefined) return out;
        out.push(p);
      }
    },
    send: (p) => theirs.send(p),
    end: () => theirs.end(),
    ended: async () => (await it.next()).done === true,
    result,
    get sent() {
      return log.filter((l) => l.dir === "out").map((l) => l.packet);
    },
  };
}

/** Collects DATA packets until every listed ID got its empty DATA. */
async function readFiles(peer: Peer, ids: number[]): Promise<Map<number, { chunks: number; data: string }>> {
  const files = new Map(ids.map((id) => [id, { chunks: 0, data: "", done: false }]));
  while ([...files.values()].some((f) => !f.done)) {
    const p = await peer.next();
    assert.equal(p.type, T.PACKET_DATA);
    const f = files.get(p.id ?? 0);
    assert.ok(f && !f.done, `unexpected DATA for ${p.id}`);
    if ((p.data?.length ?? 0) === 0) f.done = true;
    else {
      f.chunks++;
      f.data += text(p.data);
    }
  }
  return new Map([...files].map(([id, f]) => [id, { chunks: f.chunks, data: f.data }]));
}

async function sampleTree(root: string): Promise<void> {
  await mkdir(join(root, "a"));
  await writeFile(join(root, "a/b.txt"), "hello world");
  await chmod(join(root, "a/b.txt"), 0o644);
  await writeFile(join(root, "a-c.txt"), "second");
  await chmod(join(root, "a-c.txt"), 0o600);
  await writeFile(join(root, "exe.sh"), "#!/bin/sh\n");
  await chmod(join(root, "exe.sh"), 0o755);
  await symlink("a/b.txt", join(root, "link"));
}

describe("sendTree()", () => {
  test("sends a STAT per entry in walk order, then an empty STAT, and answers FIN with FIN", () =>
    withTempDir(async (root) => {
      await sampleTree(root);
      const peer = startSend(root);
      const stats = await peer.listing();
      assert.deepEqual(stats.map((p) => [p.stat?.path, p.stat?.mode]), [
        ["a", 0x800001ed],
        ["a/b.txt", 0o644],
        ["a-c.txt", 0o600],
        ["exe.sh", 0o755],
        ["link", 0x080001ff],
      ]);
      assert.equal(stats[4].stat?.linkname, "a/b.txt");
      await peer.send({ type: T.PACKET_FIN });
      assert.equal((await peer.next()).type, T.PACKET_FIN);
      assert.equal(await peer.ended(), true);
      assert.deepEqual(await peer.result, { entries: 5, files: 3, requested: 0, bytes: 0 });
    }));

  test("IDs count every STAT; a requested file comes as DATA chunks and an empty DATA", () =>
    withTempDir(async (root) => {
      await sampleTree(root);
      const peer = startSend(root, { chunkSize: 4 });
      await peer.listing();
      for (const id of [1, 2, 3]) await peer.send({ type: T.PACKET_REQ, id });
      const files = await readFiles(peer, [1, 2, 3]);
      assert.deepEqual(files.get(1), { chunks: 3, data: "hello world" });
      assert.deepEqual(files.get(2), { chunks: 2, data: "second" });
      assert.deepEqual(files.get(3), { chunks: 3, data: "#!/bin/sh\n" });
      await peer.send({ type: T.PACKET_FIN });
      assert.equal((await peer.next()).type, T.PACKET_FIN);
      assert.deepEqual(await peer.result, { entries: 5, files: 3, requested: 3, bytes: 27 });
    }));

  test("an empty file is just an empty DATA", () =>
    withTempDir(async (root) => {
      await writeFile(join(root, "empty"), "");
      const peer = startSend(root);
      await peer.listing();
      await peer.send({ type: T.PACKET_REQ, id: 0 });
      const p = await peer.next();
      assert.deepEqual([p.type, p.id, p.data?.length], [T.PACKET_DATA, 0, 0]);
      await peer.send({ type: T.PACKET_FIN });
      assert.equal((await peer.next()).type, T.PACKET_FIN);
      await peer.result;
    }));

  test("serves REQs while STATs are still being sent", () =>
    withTempDir(async (root) => {
      await writeFile(join(root, "a-first"), "early data");
      for (let i = 0; i < 300; i++) await writeFile(join(root, `z${String(i).padStart(3, "0")}`), "");
      const peer = startSend(root, {}, 2);
      const first = await peer.next();
      assert.equal(first.stat?.path, "a-first");
      await peer.send({ type: T.PACKET_REQ, id: 0 });
      let statsBeforeEof = 0;
      let data = "";
      for (;;) {
        const p = await peer.next();
        if (p.type === T.PACKET_DATA && (p.data?.length ?? 0) === 0) break;
        if (p.type === T.PACKET_DATA) data += text(p.data);
        else {
          assert.ok(p.stat, "the listing must not end before the requested file was served");
          statsBeforeEof++;
        }
      }
      assert.equal(data, "early data");
      assert.ok(statsBeforeEof < 300, `DATA came after ${statsBeforeEof} of 300 STATs`);
      const rest = await peer.listing();
      assert.equal(1 + statsBeforeEof + rest.length, 301);
      await peer.send({ type: T.PACKET_FIN });
      assert.equal((await peer.next()).type, T.PACKET_FIN);
      assert.equal((await peer.result).requested, 1);
    }));

  const badRequests: [string, number[], RegExp][] = [
    ["a directory", [0], /invalid file request 0: the entry is not a regular file/],
    ["a symlink", [4], /invalid file request 4/],
    ["an ID past the listing", [99], /invalid file request 99: no such entry/],
    ["the same file twice", [1, 1], /invalid file request 1: .*already requested/],
  ];
  for (const [what, ids, want] of badRequests) {
    test(`a REQ for ${what} gets ERR and fails`, () =>
      withTempDir(async (root) => {
        await sampleTree(root);
        const peer = startSend(root);
        await peer.listing();
        for (const id of ids) await peer.send({ type: T.PACKET_REQ, id });
        let p: Packet;
        do p = await peer.next(); while (p.type === T.PACKET_DATA);
        assert.equal(p.type, T.PACKET_ERR);
        assert.match(text(p.data), want);
        await assert.rejects(peer.result, want);
      }));
  }

  test("an ERR from the receiver fails with its message and is not echoed", () =>
    withTempDir(async (root) => {
      await sampleTree(root);
      const peer = startSend(root);
      await peer.listing();
      await peer.send({ type: T.PACKET_ERR, data: new TextEncoder().encode("context canceled") });
      await assert.rejects(peer.result, /error from receiver: context canceled/);
      assert.ok(!peer.sent.some((p) => p.type === T.PACKET_ERR));
    }));

  // Small files are read in one synchronous read, larger ones streamed (here: chunkSize 4).
  for (const [how, options] of [["read at once", {}], ["streamed", { chunkSize: 4 }]] as const) {
    test(`a file that changed after its STAT is refused with ERR (${how})`, () =>
      withTempDir(async (root) => {
        await sampleTree(root);
        const peer = startSend(root, options);
        await peer.listing();
        await appendFile(join(root, "a/b.txt"), "!");
        await peer.send({ type: T.PACKET_REQ, id: 1 });
        const p = await peer.next();
        assert.equal(p.type, T.PACKET_ERR);
        assert.match(text(p.data), /file "a\/b.txt" changed while it was being sent/);
        await assert.rejects(peer.result, /changed/);
      }));

    test(`a file rewritten with the same size after its STAT is refused with ERR (${how})`, () =>
      withTempDir(async (root) => {
        await sampleTree(root);
        await utimes(join(root, "a/b.txt"), 1_600_000_000, 1_600_000_000);
        const peer = startSend(root, options);
        await peer.listing();
        await writeFile(join(root, "a/b.txt"), "HELLO WORLD");
        await peer.send({ type: T.PACKET_REQ, id: 1 });
        const p = await peer.next();
        assert.equal(p.type, T.PACKET_ERR);
        assert.match(text(p.data), /file "a\/b.txt" changed/);
        await assert.rejects(peer.result, /changed/);
      }));

    test(`a file replaced by a symlink after its STAT is refused with ERR (${how})`, () =>
      withTempDir(async (root) => {
        await sampleTree(root);
        const peer = startSend(root, options);
        await peer.listing();
        await rm(join(root, "a-c.txt"));
        await symlink("/etc/hostname", join(root, "a-c.txt"));
        await peer.send({ type: T.PACKET_REQ, id: 2 });
        const p = await peer.next();
        assert.equal(p.type, T.PACKET_ERR);
        assert.match(text(p.data), /file "a-c.txt" vanished or was replaced/);
        await assert.rejects(peer.result, /vanished/);
      }));
  }

  test("the receiver closing the stream without FIN is an error", () =>
    withTempDir(async (root) => {
      await sampleTree(root);
      const peer = startSend(root);
      await peer.listing();
      peer.end();
      await assert.rejects(peer.result, /closed the stream before sending FIN/);
    }));

  test("a missing root fails and tells the receiver", () =>
    withTempDir(async (dir) => {
      const peer = startSend(join(dir, "missing"));
      const p = await peer.next();
      assert.equal(p.type, T.PACKET_ERR);
      assert.match(text(p.data), /ENOENT|no such file/i);
      await assert.rejects(peer.result);
    }));

  test("aborting sends ERR context canceled", () =>
    withTempDir(async (root) => {
      await sampleTree(root);
      const abort = new AbortController();
      const peer = startSend(root, { signal: abort.signal });
      await peer.listing();
      abort.abort();
      const p = await peer.next();
      assert.equal(p.type, T.PACKET_ERR);
      assert.equal(text(p.data), "context canceled");
      await assert.rejects(peer.result, /context canceled/);
    }));

  test("rejects bad options", () => {
    const [a] = createChannelPair();
    assert.throws(() => sendTree(a, ".", { chunkSize: 0 }), RangeError);
    assert.throws(() => sendTree(a, ".", { chunkSize: 64 * 1024 * 1024 }), RangeError);
    assert.throws(() => sendTree(a, ".", { concurrency: 0 }), RangeError);
  });
});
