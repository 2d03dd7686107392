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

const FILE_BYTES = 1024 * 1024 * 1024;
/** Half the file: holding the file (or a copy of it) would exceed it. */
const ALLOWED_GROWTH = FILE_BYTES / 2;
/**
 * V8 lets freed chunk buffers pile up to a fixed level (about 270 MiB on Deno) before it
 * collects them; past that level memory must stay flat, so the second half of the file
 * may add only a little.
 */
const ALLOWED_SECOND_HALF_GROWTH = 64 * 1024 * 1024;

test("sending a 1 GiB file does not grow memory with the file size", () =>
  withTempDir(async (dir) => {
    // Sparse: reads give zeros at memory speed without using disk space.
    const handle = await open(join(dir, "big.bin"), "w");
    await handle.truncate(FILE_BYTES);
    await handle.close();

    const [ours, theirs] = createChannelPair({ capacity: 4 });
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    let peakAtHalf = 0;
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
          if (peakAtHalf === 0 && received >= FILE_BYTES / 2) peakAtHalf = peak;
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
      `RSS grew by ${(growth / 2 ** 20).toFixed(0)} MiB while sending 1 GiB`,
    );
    const secondHalf = peak - peakAtHalf;
    assert.ok(
      secondHalf < ALLOWED_SECOND_HALF_GROWTH,
      `RSS kept growing: +${(secondHalf / 2 ** 20).toFixed(0)} MiB over the second half of the file`,
    );
  }));
