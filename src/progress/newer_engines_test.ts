// Status streams of newer engines (BuildKit 0.18+): a source that completes at once and then runs again, a
// cached recheck of a finished step, and status entries that belong to no vertex.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { PlainRenderer } from "./plain.ts";
import { ProgressModel } from "./model.ts";
import { merge, status, vertex } from "./_testing.ts";
import type { StatusResponse } from "./status.ts";

function plain(updates: StatusResponse[], now = () => 0): string {
  let out = "";
  const renderer = new PlainRenderer((t) => out += t, { now });
  for (const u of updates) renderer.update(u);
  renderer.done();
  return out;
}

const LOCAL = "sha256:l1", FROM = "sha256:f1", COPY = "sha256:c1";
const announce = merge(
  vertex(FROM, "[1/2] FROM busybox"),
  vertex(LOCAL, "load local ."),
  vertex(COPY, "[2/2] COPY . /o", { inputs: [FROM, LOCAL] }),
);

describe("plain progress on newer engines", () => {
  test("a local source that completes at once, then transfers, prints one block", () => {
    const out = plain([
      announce,
      vertex(LOCAL, "load local .", { started: 10, completed: 10 }),
      vertex(FROM, "[1/2] FROM busybox", { started: 11 }),
      vertex(FROM, "[1/2] FROM busybox", { started: 11, completed: 20 }),
      vertex(LOCAL, "load local .", { started: 21 }),
      merge(status(LOCAL, "transferring .:", { current: 30, started: 22, completed: 40 })),
      vertex(LOCAL, "load local .", { started: 21, completed: 41 }),
      vertex(COPY, "[2/2] COPY . /o", { inputs: [FROM, LOCAL], started: 42, completed: 50 }),
    ]);
    assert.equal(out.match(/^#\d+ load local \.$/gm)?.length, 1, out);
    assert.match(out, /^#2 load local \.\n#2 transferring \.: 30B 0\.0s done\n#2 DONE 0\.0s$/m);
  });

  test("a finished step that is rechecked as cached prints nothing more", () => {
    const out = plain([
      announce,
      vertex(FROM, "[1/2] FROM busybox", { started: 1, completed: 5 }),
      vertex(FROM, "[1/2] FROM busybox", { started: 6, cached: true }),
      vertex(FROM, "[1/2] FROM busybox", { started: 6, completed: 7, cached: true }),
    ]);
    assert.equal(out, "#1 [1/2] FROM busybox\n#1 DONE 0.0s\n");
  });

  test("an instant completion nothing depends on is printed at once, not held", () => {
    const meta = "sha256:m1";
    let out = "";
    const renderer = new PlainRenderer((t) => out += t, { now: () => 0 });
    renderer.update(vertex(meta, "[internal] load metadata", { started: 1, completed: 1 }));
    assert.equal(out, "#1 [internal] load metadata\n#1 DONE 0.0s\n");
  });

  test("a held source prints once the hold expires, even if it never runs again", () => {
    let now = 0;
    let out = "";
    const renderer = new PlainRenderer((t) => out += t, { now: () => now });
    renderer.update(announce);
    renderer.update(vertex(LOCAL, "load local .", { started: 1, completed: 1 }));
    assert.equal(out, "");
    now = 1500;
    renderer.update(vertex(FROM, "[1/2] FROM busybox", { started: 2 }));
    assert.match(out, /^#1 load local \.\n#1 DONE 0\.0s\n/);
  });

  test("status entries with no vertex (push progress of BuildKit 0.28) print nothing and count no step", () => {
    const updates = [
      vertex(FROM, "[1/2] FROM busybox", { started: 1, completed: 2 }),
      status("", "pushing layers", { current: 10, total: 100, started: 3 }),
      status("", "pushing layers", { current: 100, total: 100, started: 3, completed: 9 }),
    ];
    assert.equal(plain(updates), "#1 [1/2] FROM busybox\n#1 DONE 0.0s\n");
    const model = new ProgressModel();
    for (const u of updates) model.apply(u);
    assert.equal(model.summary().total, 1);
    assert.deepEqual(model.steps().map((s) => s.name), ["[1/2] FROM busybox"]);
  });
});
