// Memory stays flat while a file much larger than any buffer is sent: contents are streamed with
// backpressure, never held. The bound is generous (a fraction of the file), and no time is asserted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { open } from "node:fs/promises";
import { join } from "node:path";
import process from "node:process";
import { Packet_PacketType as T } from "../proto/fsutil_types.gen.ts";
import { sendTree } from "./filesync.ts";
import { createChannelPair } from "./packet_channel_test_util.ts";
import { withTempDir } from "../fs/tree_fixture_test_util.ts";

const FILE_BYTES = 512 * 1024 * 1024;
/** Half the file: holding the file (or a copy of it) would exceed it; GC lag with 1 MiB chunks stays below. */
const ALLOWED_GROWTH = 256 * 1024 * 1024;

test("sending a 512 MiB file does not grow memory with the file size", () =>
  withTempDir(async (dir) => {
    // Sparse: reads give zeros at memory speed without using disk space.
    const handle = await open(join(dir, "big.bin"), "w");
    await handle.truncate(FILE_BYTES);
    await handle.close();

    const [ours, theirs] = createChannelPair({ capacity: 4 });
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    try {
      const sending = sendTree(ours, dir);
      let received = 0;
      for await (const p of theirs) {
        if (p.type === T.PACKET_STAT && p.stat === undefined) {
          await theirs.send({ type: T.PACKET_REQ, id: 0 });
        } else if (p.type === T.PACKET_DATA) {
          received += p.data?.length ?? 0;
          peak = Math.max(peak, process.memoryUsage().rss);
          if ((p.data?.length ?? 0) === 0) await theirs.send({ type: T.PACKET_FIN });
        } else if (p.type === T.PACKET_FIN) break;
      }
      theirs.end();
      const stats = await sending;
      assert.equal(received, FILE_BYTES);
      assert.equal(stats.bytes, FILE_BYTES);
    } finally {
      clearInterval(sampler);
    }
    const growth = peak - baseline;
    assert.ok(
      growth < ALLOWED_GROWTH,
      `RSS grew by ${(growth / 2 ** 20).toFixed(0)} MiB while sending 512 MiB`,
    );
  }));
