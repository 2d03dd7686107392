import { test } from "node:test";
import assert from "node:assert/strict";
import { fanOut } from "./fan_out.ts";

test("`fanOut()` gives every result by name", async () => {
  const results = await fanOut([{ name: "a" }, { name: "bb" }], (t) => Promise.resolve(t.name.length));
  assert.deepEqual(results, { a: 1, bb: 2 });
});

test("`fanOut()`: the first failure cancels the others and is the one thrown", async () => {
  const boom = new Error("boom");
  const seen: unknown[] = [];
  await assert.rejects(
    fanOut([{ name: "fails" }, { name: "waits" }], (t, signal) => {
      if (t.name === "fails") return Promise.reject(boom);
      return new Promise((_, reject) =>
        signal.addEventListener("abort", () => {
          seen.push(signal.reason);
          reject(new Error("cancelled"));
        })
      );
    }),
    (err) => err === boom,
  );
  assert.deepEqual(seen, [boom]);
});

test("`fanOut()`: an abort of the caller's signal cancels every build with its reason", async () => {
  const caller = new AbortController();
  const reason = new Error("interrupted");
  const pending = fanOut(
    [{ name: "a" }, { name: "b" }],
    (_t, signal) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
    caller.signal,
  );
  caller.abort(reason);
  await assert.rejects(pending, (err) => err === reason);
});
