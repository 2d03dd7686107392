import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { BytesMessage } from "../proto/moby_filesync_v1.gen.ts";
import { receiveStream } from "./filesend_stream.ts";
import { withTempDir } from "../fs/tree_fixture_test_util.ts";

const message = (text: string) => BytesMessage.toBinary({ data: new TextEncoder().encode(text) });

// A test body run in a fresh temporary directory, removed afterwards.
const withDir = (fn: (dir: string) => Promise<void>) => () => withTempDir(fn);

describe("receiveStream()", () => {
  test(
    "writes every chunk in order into the file, creating its directory",
    withDir(async (dir) => {
      const call = new PassThrough({ objectMode: true });
      const done = receiveStream(call, join(dir, "a/b/out.tar"));
      call.write(message("hello "));
      call.write(BytesMessage.toBinary({}));
      call.write(message("tar"));
      call.end();
      assert.deepEqual(await done, { bytes: 9 });
      assert.equal(readFileSync(join(dir, "a/b/out.tar"), "utf8"), "hello tar");
      assert.deepEqual(readdirSync(join(dir, "a/b")), ["out.tar"], "no partial file is left");
    }),
  );

  test(
    "a stream closed before its end leaves no file and rejects",
    withDir(async (dir) => {
      const call = new PassThrough({ objectMode: true });
      const done = receiveStream(call, join(dir, "out.tar"));
      call.write(message("partial"));
      call.destroy();
      await assert.rejects(done, /closed the export stream before its end/);
      assert.ok(!existsSync(join(dir, "out.tar")));
      assert.deepEqual(readdirSync(dir), []);
    }),
  );

  test(
    "two streams into one file in one process do not share a temp file",
    withDir(async (dir) => {
      const dest = join(dir, "out.tar");
      const a = new PassThrough({ objectMode: true });
      const b = new PassThrough({ objectMode: true });
      const doneA = receiveStream(a, dest);
      const doneB = receiveStream(b, dest);
      a.write(message("from a"));
      b.write(message("from b"));
      a.end();
      assert.deepEqual(await doneA, { bytes: 6 });
      b.end();
      assert.deepEqual(await doneB, { bytes: 6 });
      assert.equal(readFileSync(dest, "utf8"), "from b");
      assert.deepEqual(readdirSync(dir), ["out.tar"]);
    }),
  );
});
