import { test } from "node:test";
import assert from "node:assert/strict";
import { image } from "../../mod.ts";
import { marshal } from "./marshal.ts";

test("`marshal()` with ignoreCache marks exec and file ops, not image sources, and keeps digests", () => {
  const state = image("busybox").run("date > /d").mkdir("/x");
  const plain = marshal(state);
  const fresh = marshal(state, { ignoreCache: true });
  assert.deepEqual(fresh.ops.map((o) => o.digest), plain.ops.map((o) => o.digest));
  const marked = fresh.ops.filter((o) => fresh.definition!.metadata![o.digest].ignoreCache === true);
  assert.deepEqual(marked.map((o) => Object.keys(o.op).find((k) => k === "exec" || k === "file")), [
    "exec",
    "file",
  ]);
  for (const o of plain.ops) assert.notEqual(plain.definition!.metadata![o.digest].ignoreCache, true);
});
