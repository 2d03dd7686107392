import { test } from "node:test";
import assert from "node:assert/strict";
import { closest, editDistance } from "./suggest.ts";

test("`editDistance()` counts inserts, deletes, substitutions and swaps", () => {
  assert.equal(editDistance("target", "target"), 0);
  assert.equal(editDistance("target", "tagret"), 1);
  assert.equal(editDistance("target", "targets"), 1);
  assert.equal(editDistance("list", "lost"), 1);
  assert.equal(editDistance("", "abc"), 3);
});

test("`closest()` suggests only likely typos", () => {
  assert.equal(closest("--pogress", ["--progress", "--push"]), "--progress");
  assert.equal(closest("ap", ["app", "api"]), "app");
  assert.equal(closest("xyz", ["app", "test"]), undefined);
  assert.equal(closest("anything", []), undefined);
});
