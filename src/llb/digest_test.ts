import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { digestOf } from "./digest.ts";

describe("digestOf()", () => {
  test("gives BuildKit's sha256:<hex> form of the bytes", () => {
    assert.equal(
      digestOf(new Uint8Array()),
      "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    assert.equal(
      digestOf(new TextEncoder().encode("abc")),
      "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });

  test("agrees with a streaming sha256 at every length around the block size", () => {
    for (let n = 0; n < 200; n++) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 31 + n) & 255);
      assert.equal(digestOf(bytes), `sha256:${createHash("sha256").update(bytes).digest("hex")}`);
    }
  });
});
