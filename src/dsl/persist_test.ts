import { test } from "node:test";
import assert from "node:assert/strict";
import { cache, image, OptionError } from "../../mod.ts";
import { stateData } from "./state.ts";

test("`cache()` keeps where a persisted mount lives, with the build.ts line of the call", () => {
  const c = cache("npm", { persist: { image: "localhost:5000/app-cache:npm" } });
  assert.equal(c.persist?.kind, "image");
  assert.equal(c.persist?.kind === "image" && c.persist.ref, "localhost:5000/app-cache:npm");
  assert.match(c.persist?.location?.file ?? "", /persist_test\.ts$/);
  const file = cache("go", { persist: { file: "c/go.tar" } }).persist;
  assert.ok(file?.kind === "file");
  assert.equal(file.path, "c/go.tar");
});

test("`cache()` persist: a file name from the id, whatever the id holds", () => {
  const p = cache("/root/.npm", { persist: { dir: "ci/" } }).persist;
  assert.ok(p?.kind === "file");
  assert.equal(p.path, "ci/root_.npm.tar");
});

test("`cache()` persist: bad values name the option and the build.ts line", () => {
  const rejects = (options: unknown, message: RegExp) =>
    assert.throws(() => cache("npm", options as never), (err: OptionError) => {
      assert.ok(err instanceof OptionError);
      assert.match(err.message, message);
      assert.match(err.message, /persist_test\.ts:\d+/);
      return true;
    });
  rejects(
    { persist: { image: "localhost:5000/c@sha256:" + "a".repeat(64) } },
    /persist\.image.*must name a tag/,
  );
  rejects({ persist: { image: "Not A Ref" } }, /persist\.image.*not an image reference/);
  rejects({ persist: { dir: "" } }, /persist/);
  rejects({ persist: "localhost:5000/c:npm" }, /persist.*must be \{ image/);
  rejects({ persist: { image: "localhost:5000/c:npm", dir: "x" } }, /persist/);
  rejects({ persist: { dir: "ci" }, from: image("busybox") }, /"persist" cannot be used with from/);
});

test("a persisted cache reaches the step's graph node unchanged, with no seed of its own", () => {
  const step = image("busybox").run("ls /c", { mounts: { "/c": cache("npm", { persist: { dir: "ci" } }) } });
  const node = stateData(step).output!.op;
  assert.ok(node.kind === "exec");
  const m = node.mounts.find((x) => x.kind === "cache");
  assert.ok(m?.kind === "cache");
  assert.equal(m.source, null);
  assert.deepEqual(m.persist && { kind: m.persist.kind, path: m.persist.kind === "file" && m.persist.path }, {
    kind: "file",
    path: "ci/npm.tar",
  });
});
