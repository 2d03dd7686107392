import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { normalizeImageRef } from "./reference.ts";

const SHA = "sha256:" + "a".repeat(64);

describe("normalizeImageRef()", () => {
  const cases: [string, string][] = [
    ["busybox", "docker.io/library/busybox:latest"],
    ["busybox:1.36", "docker.io/library/busybox:1.36"],
    ["library/busybox", "docker.io/library/busybox:latest"],
    ["docker.io/busybox", "docker.io/library/busybox:latest"],
    ["index.docker.io/library/busybox:1", "docker.io/library/busybox:1"],
    ["user/app", "docker.io/user/app:latest"],
    ["localhost/app", "localhost/app:latest"],
    ["localhost:5000/app:v1", "localhost:5000/app:v1"],
    ["127.0.0.1:5000/team/app", "127.0.0.1:5000/team/app:latest"],
    ["ghcr.io/o/r/s:tag-1.2_3", "ghcr.io/o/r/s:tag-1.2_3"],
    [`busybox@${SHA}`, `docker.io/library/busybox@${SHA}`],
    [`busybox:1.36@${SHA}`, `docker.io/library/busybox:1.36@${SHA}`],
    ["[::1]:5000/app", "[::1]:5000/app:latest"],
    ["a__b/c--d", "docker.io/a__b/c--d:latest"],
  ];
  for (const [input, want] of cases) {
    test(`normalizes ${input}`, () => assert.equal(normalizeImageRef(input).normalized, want));
  }

  test("splits parts", () => {
    const r = normalizeImageRef("localhost:5000/team/app:v2");
    assert.deepEqual([r.domain, r.path, r.tag, r.digest], ["localhost:5000", "team/app", "v2", undefined]);
  });

  const bad: [string, RegExp][] = [
    ["", /empty/],
    ["Busybox", /lowercase/],
    ["busybox:", /invalid tag/],
    ["busybox:-x", /invalid tag/],
    ["busybox@sha256:abc", /64 lowercase hex/],
    ["a/-b", /invalid repository name component/],
    [" busybox", /whitespace/],
    ["a".repeat(64).replace(/a/g, "b").replace(/^b{64}$/, "f".repeat(64)), /image ID/],
    ["docker.io/", /empty|component/],
    ["x/" + "a".repeat(260), /longer than 255/],
  ];
  for (const [input, want] of bad) {
    test(`rejects ${JSON.stringify(input.slice(0, 30))}`, () =>
      assert.throws(() => normalizeImageRef(input), want));
  }
});
