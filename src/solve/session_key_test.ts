import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { image, local, merge } from "../../mod.ts";
import { sessionSharedKey } from "./session_key.ts";

test("the session key covers the local folders a target reads: same folders, same key", () => {
  const app = () => image("busybox").copy(local("app"), ".", "/app");
  const docs = image("busybox").copy(local("docs"), ".", "/docs");
  const key = sessionSharedKey("h", "/src", [app()]);
  assert.equal(sessionSharedKey("h", "/src", [app()]), key);
  assert.notEqual(sessionSharedKey("h", "/src", [docs]), key);
  assert.notEqual(sessionSharedKey("h", "/src", [merge([app(), docs])]), key);
  // The order the folders are met in does not matter.
  assert.equal(
    sessionSharedKey("h", "/src", [merge([app(), docs])]),
    sessionSharedKey("h", "/src", [merge([docs, app()])]),
  );
  assert.notEqual(sessionSharedKey("other", "/src", [app()]), key);
  assert.notEqual(sessionSharedKey("h", "/elsewhere", [app()]), key);
});

test("a target without local folders keys on the machine and base directory alone", () => {
  const want = createHash("sha256").update("h\n/src").digest("hex").slice(0, 32);
  assert.equal(sessionSharedKey("h", "/src", [image("busybox").run("true")]), want);
  assert.equal(sessionSharedKey("h", "/src", []), want);
});
