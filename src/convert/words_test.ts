import { test } from "node:test";
import assert from "node:assert/strict";
import { expandWord, identifier, jsonArray, key, mountFields } from "./words.ts";

test("jsonArray reads the JSON form and nothing else", () => {
  assert.deepEqual(jsonArray('["a", "b c"]'), ["a", "b c"]);
  assert.equal(jsonArray("a b"), undefined);
  assert.equal(jsonArray("[not json"), undefined);
  assert.equal(jsonArray("[1, 2]"), undefined);
});

test("mountFields splits a --mount value, quotes and bare flags included", () => {
  assert.deepEqual(mountFields('type=bind,"source=a,b",target=/m,ro'), {
    type: "bind",
    source: "a,b",
    target: "/m",
    ro: "true",
  });
});

test("expandWord makes string or template literals, and refuses what it cannot resolve", () => {
  const scope = (n: string) => (n === "TAG" ? "p.TAG" : n === "DIR" ? '"/srv"' : undefined);
  assert.equal(expandWord("busybox", scope), '"busybox"');
  assert.equal(expandWord("busybox:${TAG}", scope), "`busybox:${p.TAG}`");
  assert.equal(expandWord("$DIR/x", scope), '`${"/srv"}/x`');
  assert.equal(expandWord("$OTHER", scope), undefined);
  assert.equal(expandWord("${TAG:-x}", scope), undefined);
  assert.equal(expandWord("\\$TAG`", scope), '"$TAG`"');
});

test("identifiers and keys", () => {
  assert.equal(identifier("build-env"), "buildEnv");
  assert.equal(identifier("2nd"), "stage2nd");
  assert.equal(key("with space"), '"with space"');
  assert.equal(key("ok"), "ok");
});
