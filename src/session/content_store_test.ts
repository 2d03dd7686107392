import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ContentError, LocalContentStore } from "./content_store.ts";

const sha = (b: Uint8Array) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

function withStore(fn: (store: LocalContentStore, dir: string) => void): () => void {
  return () => {
    const dir = mkdtempSync(join(tmpdir(), "drydock-cs-"));
    try {
      fn(new LocalContentStore(dir), dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

describe("LocalContentStore", () => {
  test(
    "writes, verifies and commits a blob, then reads it back in ranges",
    withStore((store, dir) => {
      const data = new TextEncoder().encode("hello content store");
      const w = store.begin("ref-1", sha(data));
      store.write(w, 0, data.subarray(0, 5));
      store.write(w, 5, data.subarray(5));
      assert.equal(store.commit(w, data.byteLength, sha(data)), sha(data));
      assert.ok(existsSync(join(dir, "blobs/sha256", sha(data).slice(7))));
      assert.equal(store.info(sha(data)).size, data.byteLength);
      const parts = [...store.read(sha(data), 6, 7, 3)].map((b) => new TextDecoder().decode(b));
      assert.deepEqual(parts, ["con", "ten", "t"]);
    }),
  );

  test(
    "refuses wrong sizes, wrong digests, gaps and existing blobs with the API's codes",
    withStore((store) => {
      const data = new TextEncoder().encode("abc");
      const code = (f: () => unknown) => {
        try {
          f();
        } catch (e) {
          return (e as ContentError).grpcCode;
        }
        return 0;
      };
      let w = store.begin("r", undefined);
      assert.equal(code(() => store.write(w, 1, data)), 11, "OUT_OF_RANGE");
      store.write(w, 0, data);
      assert.equal(code(() => store.commit(w, 4, undefined)), 9, "FAILED_PRECONDITION");
      w = store.begin("r", undefined);
      store.write(w, 0, data);
      assert.equal(code(() => store.commit(w, 3, sha(new Uint8Array([1])))), 9);
      w = store.begin("r", undefined);
      store.write(w, 0, data);
      store.commit(w, 3, sha(data));
      assert.equal(code(() => store.begin("r2", sha(data))), 6, "ALREADY_EXISTS");
      assert.equal(code(() => store.info(sha(new Uint8Array([9])))), 5, "NOT_FOUND");
      assert.equal(code(() => store.info("md5:x")), 3, "INVALID_ARGUMENT");
    }),
  );

  test(
    "tags replace earlier entries of the same tag in index.json",
    withStore((store) => {
      const a = {
        mediaType: "application/vnd.oci.image.index.v1+json",
        digest: "sha256:" + "a".repeat(64),
        size: 1,
      };
      const b = { ...a, digest: "sha256:" + "b".repeat(64) };
      store.tag("latest", a);
      store.tag("v1", a);
      store.tag("latest", b);
      assert.equal(store.tagged("latest")?.digest, b.digest);
      assert.equal(store.tagged("v1")?.digest, a.digest);
      assert.equal(store.tagged("nope"), undefined);
    }),
  );
});
