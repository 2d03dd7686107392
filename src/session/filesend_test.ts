import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import {
  chmod,
  link,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { join } from "node:path";
import { type Packet, Packet_PacketType as T, type Stat } from "../proto/fsutil_types.gen.ts";
import { receiveTree, type ReceiveTreeOptions } from "./filesend.ts";
import { sendTree } from "./filesync.ts";
import { createSerialSender, type PacketChannel } from "./packet_channel.ts";
import { createChannelPair } from "./packet_channel_test_util.ts";
import { snapshotTree, withTempDir } from "../fs/tree_fixture_test_util.ts";

const DIR = 0x80000000;
const SYMLINK = 0x08000000;
const enc = (s: string) => new TextEncoder().encode(s);
const text = (d?: Uint8Array) => new TextDecoder().decode(d);

/**
 * Plays a sender: all STATs, the empty STAT, DATA for each REQ (from `contents`, else "pwned"), FIN for FIN.
 * Records what the receiver sent.
 */
async function scriptedSender(
  channel: PacketChannel,
  stats: Stat[],
  contents: Record<number, string> = {},
): Promise<Packet[]> {
  const send = createSerialSender(channel);
  const received: Packet[] = [];
  const listing = (async () => {
    for (const stat of stats) await send({ type: T.PACKET_STAT, stat });
    await send({ type: T.PACKET_STAT });
  })().catch(() => {}); // the receiver may stop reading once it refuses an entry
  for await (const p of channel) {
    received.push(p);
    if (p.type === T.PACKET_REQ) {
      const id = p.id ?? 0;
      await send({ type: T.PACKET_DATA, id, data: enc(contents[id] ?? "pwned") }).catch(() => {});
      await send({ type: T.PACKET_DATA, id }).catch(() => {});
    } else if (p.type === T.PACKET_FIN) {
      await send({ type: T.PACKET_FIN });
      channel.end();
      break;
    } else if (p.type === T.PACKET_ERR) break;
  }
  await listing;
  return received;
}

function receiveScripted(
  dest: string,
  stats: Stat[],
  contents?: Record<number, string>,
  options?: ReceiveTreeOptions,
) {
  const [theirs, ours] = createChannelPair({ capacity: 2, encode: true });
  const sender = scriptedSender(theirs, stats, contents);
  const result = receiveTree(ours, dest, options);
  result.catch(() => {});
  return { result, sender };
}

describe("receiveTree() round trip with sendTree()", () => {
  test("reproduces a tree byte for byte, with modes, links and mtimes", () =>
    withTempDir(async (dir) => {
      const src = join(dir, "src");
      await mkdir(join(src, "nested/deeper/deepest"), { recursive: true });
      await writeFile(join(src, "nested/deeper/deepest/file.txt"), "deep");
      await writeFile(join(src, "empty"), "");
      await writeFile(join(src, "exe.sh"), "#!/bin/sh\necho hi\n");
      await chmod(join(src, "exe.sh"), 0o755);
      await writeFile(join(src, "setuid"), "s");
      await chmod(join(src, "setuid"), 0o4755);
      await writeFile(join(src, "readonly.txt"), "ro");
      await chmod(join(src, "readonly.txt"), 0o400);
      await writeFile(join(src, "big.bin"), randomBytes(64 * 1024 * 1024));
      await link(join(src, "nested/deeper/deepest/file.txt"), join(src, "nested/hard"));
      await symlink("nested/deeper", join(src, "rel-link"));
      await symlink("/does/not/exist", join(src, "dangling"));
      await mkdir(join(src, "ro-dir"));
      await writeFile(join(src, "ro-dir/inside"), "x");
      await chmod(join(src, "ro-dir"), 0o555);
      await mkdir(join(src, "a"));
      await writeFile(join(src, "a/b.txt"), "b");
      await writeFile(join(src, "a-c.txt"), "c");
      await writeFile(join(src, "ünïcødé 🙂"), "u");
      await chmod(join(src, "nested"), 0o700);

      const dest = join(dir, "dest");
      const [a, b] = createChannelPair({ capacity: 8, encode: true });
      const [sent, received] = await Promise.all([sendTree(a, src), receiveTree(b, dest)]);

      const want = await snapshotTree(src);
      const got = await snapshotTree(dest);
      assert.deepEqual(got, want);
      assert.equal(want.length, 18);
      assert.ok(want.some((e) => e.kind === "hardlink"));
      const big = 64 * 1024 * 1024;
      assert.equal(sent.requested, 10); // every regular file but the hardlink
      assert.equal(received.files, 10);
      assert.ok(received.bytes > big && received.bytes === sent.bytes);
      assert.equal(received.entries, 18);
      // The hardlink is a real link in the copy, not a second file.
      const [h, f] = await Promise.all([
        stat(join(dest, "nested/hard")),
        stat(join(dest, "nested/deeper/deepest/file.txt")),
      ]);
      assert.equal(h.ino, f.ino);
      assert.equal(await readlink(join(dest, "dangling")), "/does/not/exist");
      await chmod(join(src, "ro-dir"), 0o755); // so the temp dir can be removed
      await chmod(join(dest, "ro-dir"), 0o755);
    }));

  test("merges into an existing destination, replacing entries of another type without following them", () =>
    withTempDir(async (dir) => {
      const outside = join(dir, "outside");
      await mkdir(outside);
      const dest = join(dir, "dest");
      await mkdir(join(dest, "was-dir/sub"), { recursive: true });
      await writeFile(join(dest, "keep-me"), "old");
      await symlink(outside, join(dest, "a")); // a symlink where the sender has a directory
      await symlink(join(outside, "target"), join(dest, "f")); // a symlink where the sender has a file
      const { result, sender } = receiveScripted(dest, [
        { path: "a", mode: DIR | 0o755 },
        { path: "a/inside", mode: 0o644 },
        { path: "f", mode: 0o644 },
        { path: "was-dir", mode: 0o644 },
      ], { 1: "in a", 2: "in f", 3: "now a file" });
      await result;
      await sender;
      assert.deepEqual(await readdir(outside), [], "nothing written through the old symlinks");
      assert.ok((await lstat(join(dest, "a"))).isDirectory());
      assert.equal(await readFile(join(dest, "a/inside"), "utf8"), "in a");
      assert.equal(await readFile(join(dest, "f"), "utf8"), "in f");
      assert.equal(await readFile(join(dest, "was-dir"), "utf8"), "now a file");
      assert.equal(await readFile(join(dest, "keep-me"), "utf8"), "old");
    }));
});

/** A receiver into `dir/dest` that listed one file, requested it and got its first bytes (`partial`). */
async function receivingOneFile(dir: string) {
  const [theirs, ours] = createChannelPair({ encode: true });
  const result = receiveTree(ours, join(dir, "dest"));
  const it = theirs[Symbol.asyncIterator]();
  await theirs.send({ type: T.PACKET_STAT, stat: { path: "f", mode: 0o644 } });
  await theirs.send({ type: T.PACKET_STAT });
  assert.deepEqual((await it.next()).value, { type: T.PACKET_REQ, id: 0, data: new Uint8Array(0) });
  await theirs.send({ type: T.PACKET_DATA, id: 0, data: enc("partial") });
  return { theirs, ours, result, it };
}

describe("receiveTree() protocol", () => {
  test("requests each regular file by STAT index, waits for every EOF, then sends FIN", () =>
    withTempDir(async (dir) => {
      const dest = join(dir, "dest");
      const skipped: string[] = [];
      const { result, sender } = receiveScripted(
        dest,
        [
          { path: "bin", mode: DIR | 0o755 },
          { path: "bin/busybox", mode: 0o755, size: 4n },
          { path: "bin/cat", mode: SYMLINK | 0o777, linkname: "busybox" },
          { path: "bin/sh", mode: 0o755, linkname: "bin/busybox" },
          { path: "dev", mode: DIR | 0o755 },
          { path: "dev/null", mode: 0x04200000 | 0o666, devmajor: 1n, devminor: 3n },
          { path: "etc", mode: DIR | 0o755 },
          { path: "etc/hosts", mode: 0o644 },
        ],
        { 1: "bbox", 7: "127.0.0.1 localhost\n" },
        { onSkip: (p) => skipped.push(p) },
      );
      const stats = await result;
      const received = await sender;
      assert.deepEqual(received.map((p) => [p.type, p.id]), [
        [T.PACKET_REQ, 1],
        [T.PACKET_REQ, 7],
        [T.PACKET_FIN, 0],
      ]);
      assert.deepEqual(stats, { entries: 8, files: 2, bytes: 24, skipped: 1 });
      assert.deepEqual(skipped, ["dev/null"]);
      assert.equal(await readFile(join(dest, "bin/sh"), "utf8"), "bbox");
      assert.equal(await readlink(join(dest, "bin/cat")), "busybox");
      assert.equal((await stat(join(dest, "bin/busybox"))).mode & 0o7777, 0o755);
    }));

  test("does not send FIN while a requested file has not ended", () =>
    withTempDir(async (dir) => {
      const { theirs, ours, result, it } = await receivingOneFile(dir);
      // The sender stops mid-file; once the receiver has given up and its stream ended,
      // everything it ever sent is in hand, so a FIN would be among it.
      theirs.end();
      await assert.rejects(result, /closed the stream before the transfer finished/);
      ours.end();
      const rest: Packet[] = [];
      for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value);
      assert.deepEqual(rest.map((p) => p.type), [T.PACKET_ERR], "no FIN before the empty DATA");
    }));

  test("sends FIN once the requested file's empty DATA arrives", () =>
    withTempDir(async (dir) => {
      const { theirs, result, it } = await receivingOneFile(dir);
      await theirs.send({ type: T.PACKET_DATA, id: 0 });
      assert.equal((await it.next()).value?.type, T.PACKET_FIN);
      await theirs.send({ type: T.PACKET_FIN });
      assert.equal((await result).bytes, 7);
    }));

  test("an ERR from the sender fails with its message", () =>
    withTempDir(async (dir) => {
      const [theirs, ours] = createChannelPair();
      const result = receiveTree(ours, join(dir, "dest"));
      await theirs.send({ type: T.PACKET_ERR, data: enc("failed to walk: boom") });
      await assert.rejects(result, /error from sender: failed to walk: boom/);
    }));

  const protocolErrors: [string, Packet[], RegExp][] = [
    [
      "DATA for an ID never requested",
      [{ type: T.PACKET_DATA, id: 5, data: enc("x") }],
      /DATA for file id 5/,
    ],
    ["FIN before the transfer finished", [{ type: T.PACKET_FIN }], /FIN before the transfer finished/],
    [
      "a STAT after the end of the listing",
      [{ type: T.PACKET_STAT }, { type: T.PACKET_STAT }],
      /after the end/,
    ],
  ];
  for (const [what, packets, want] of protocolErrors) {
    test(`refuses ${what}`, () =>
      withTempDir(async (dir) => {
        const [theirs, ours] = createChannelPair();
        const result = receiveTree(ours, join(dir, "dest"));
        for (const p of packets) await theirs.send(p);
        await assert.rejects(result, want);
      }));
  }

  test("the sender closing the stream early is an error", () =>
    withTempDir(async (dir) => {
      const [theirs, ours] = createChannelPair();
      const result = receiveTree(ours, join(dir, "dest"));
      await theirs.send({ type: T.PACKET_STAT, stat: { path: "d", mode: DIR | 0o755 } });
      theirs.end();
      await assert.rejects(result, /closed the stream before the transfer finished/);
    }));
});

describe("receiveTree() refuses malicious entries", () => {
  // Each case runs with dest = <tmp>/dest next to <tmp>/outside (holding a sentinel file).
  const cases: [string, (dir: string) => Stat[], RegExp][] = [
    ["an absolute path", (dir) => [{ path: join(dir, "abs"), mode: 0o644 }], /absolute path/],
    ["../x", () => [{ path: "../x", mode: 0o644 }], /escapes/],
    ["a/../../x", () => [{ path: "a", mode: DIR | 0o755 }, { path: "a/../../x", mode: 0o644 }], /escapes/],
    ["..", () => [{ path: "..", mode: DIR | 0o755 }], /escapes/],
    ["an unclean path a//b", () => [{ path: "a", mode: DIR }, { path: "a//b", mode: 0o644 }], /unclean/],
    ["an unclean path ./a", () => [{ path: "./a", mode: 0o644 }], /unclean/],
    ["a trailing slash", () => [{ path: "a/", mode: DIR | 0o755 }], /unclean/],
    ["an empty path", () => [{ path: "", mode: 0o644 }], /empty path/],
    [
      "a write through a symlinked directory",
      (
        dir,
      ) => [{ path: "a", mode: SYMLINK | 0o777, linkname: join(dir, "outside") }, {
        path: "a/x",
        mode: 0o644,
      }],
      /parent "a" is not a directory/,
    ],
    [
      "a write through a relative symlink",
      () => [{ path: "a", mode: SYMLINK | 0o777, linkname: "../outside" }, {
        path: "a/x",
        mode: DIR | 0o755,
      }],
      /parent "a" is not a directory/,
    ],
    [
      "an entry whose parent was not sent",
      () => [{ path: "a/x", mode: 0o644 }],
      /parent directory "a" was not sent/,
    ],
    [
      "a hardlink to an unknown path",
      () => [{ path: "h", mode: 0o644, linkname: "nope" }],
      /invalid link "h" to unknown path "nope"/,
    ],
    [
      "a hardlink out of the destination",
      () => [{ path: "h", mode: 0o644, linkname: "../outside/sentinel" }],
      /invalid link "h"/,
    ],
    [
      "a hardlink to a symlink",
      (dir) => [
        { path: "l", mode: SYMLINK | 0o777, linkname: join(dir, "outside/sentinel") },
        { path: "m", mode: 0o644, linkname: "l" },
      ],
      /invalid link "m"/,
    ],
    [
      "a hardlink to a directory",
      () => [{ path: "d", mode: DIR | 0o755 }, { path: "e", mode: 0o644, linkname: "d" }],
      /invalid link "e"/,
    ],
    [
      "a hardlink to a later file",
      () => [{ path: "a", mode: 0o644, linkname: "b" }, { path: "b", mode: 0o644 }],
      /invalid link "a"/,
    ],
    [
      "unordered entries",
      () => [{ path: "b", mode: 0o644 }, { path: "a", mode: 0o644 }],
      /out of order: "a" after "b"/,
    ],
    ["a duplicate entry", () => [{ path: "a", mode: 0o644 }, { path: "a", mode: 0o644 }], /out of order/],
    [
      "a naive full-path sort",
      () => [{ path: "a", mode: DIR | 0o755 }, { path: "a-c.txt", mode: 0o644 }, {
        path: "a/b.txt",
        mode: 0o644,
      }],
      /out of order: "a\/b.txt"/,
    ],
    ["an over-long name", () => [{ path: "x".repeat(256), mode: 0o644 }], /longer than 255 bytes/],
    [
      "an over-long path",
      () => {
        const parts = Array.from({ length: 20 }, () => "d".repeat(250));
        return parts.map((_, i) => ({ path: parts.slice(0, i + 1).join("/"), mode: DIR | 0o755 }));
      },
      /longer than 4096 bytes/,
    ],
  ];

  for (const [what, makeStats, want] of cases) {
    test(`refuses ${what}, writing nothing outside`, () =>
      withTempDir(async (dir) => {
        await mkdir(join(dir, "outside"));
        await writeFile(join(dir, "outside/sentinel"), "original");
        const dest = join(dir, "dest");
        const { result, sender } = receiveScripted(dest, makeStats(dir));
        await assert.rejects(result, want);
        const received = await sender;
        const err = received.find((p) => p.type === T.PACKET_ERR);
        assert.ok(err, "the sender is told with ERR");
        assert.match(text(err.data), want);
        assert.ok(!received.some((p) => p.type === T.PACKET_FIN));
        assert.deepEqual((await readdir(dir)).sort(), ["dest", "outside"]);
        assert.deepEqual(await readdir(join(dir, "outside")), ["sentinel"]);
        assert.equal(await readFile(join(dir, "outside/sentinel"), "utf8"), "original");
      }));
  }
});
