// Recorded status streams of real builds (tests/fixtures/progress/*.rawjson: buildx and drydock on Docker 26.1
// with the containerd store, on Docker 20.10 and on Docker 28.5; buildx 0.29's one-line documents are stored
// re-indented) replayed through every renderer. Snapshots sit beside each
// recording; run with UPDATE_SNAPSHOTS=1 to rewrite them after a deliberate change, and review the diff.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { PlainRenderer } from "./plain.ts";
import { formatRawJson, parseRawJson } from "./rawjson.ts";
import { buildFrame, PLAIN_PALETTE } from "./_tty_frame.ts";
import { ProgressModel } from "./model.ts";
import { formatSummary } from "./summary.ts";
import { timestampMillis } from "./status.ts";

const DIR = fileURLToPath(new URL("../../tests/fixtures/progress/", import.meta.url));
const RECORDINGS = readdirSync(DIR).filter((f) => f.endsWith(".rawjson")).sort();

function matchSnapshot(name: string, actual: string): void {
  const path = DIR + name;
  if (process.env.UPDATE_SNAPSHOTS === "1" || !existsSync(path)) writeFileSync(path, actual);
  assert.equal(actual, readFileSync(path, "utf8"), `snapshot ${name} differs`);
}

describe("recorded status streams", () => {
  test("there are recordings of buildx and drydock on both engines", () => {
    for (
      const name of [
        "buildx-dk26c",
        "buildx-dk20",
        "buildx-dk28",
        "drydock-dk26c",
        "drydock-dk20",
        "drydock-dk20-fail",
        "drydock-dk28",
      ]
    ) {
      assert.ok(RECORDINGS.includes(`${name}.rawjson`), name);
    }
  });

  for (const file of RECORDINGS) {
    const text = readFileSync(DIR + file, "utf8");
    const updates = parseRawJson(text);
    const base = file.replace(/\.rawjson$/, "");

    test(`${file}: rawjson output is byte-for-byte what was recorded`, () => {
      assert.ok(updates.length > 10);
      assert.equal(updates.map(formatRawJson).join(""), text);
    });

    test(`${file}: plain output matches its snapshot`, () => {
      let out = "";
      const renderer = new PlainRenderer((t) => out += t, { now: () => 0 });
      for (const update of updates) renderer.update(update);
      renderer.done();
      // Every step that ran got a numbered block that ends.
      assert.match(out, /^#1 /);
      assert.match(out, /^#\d+ (DONE \d+\.\ds|CACHED|ERROR: .*)$/m);
      matchSnapshot(`${base}.plain.txt`, out);
    });

    test(`${file}: the tty view's scrollback and summary match their snapshot`, () => {
      const model = new ProgressModel();
      for (const update of updates) model.apply(update);
      const times = updates.flatMap((u) => (u.vertexes ?? []).flatMap((v) => [v.started, v.completed]))
        .map(timestampMillis).filter((t): t is number => t !== undefined);
      const start = Math.min(...times), end = Math.max(...times);
      const layout = {
        now: end,
        columns: 100,
        rows: 30,
        logLines: 3,
        palette: PLAIN_PALETTE,
        startedAt: start,
        final: true,
      };
      const frame = buildFrame(model, new Map(), layout);
      assert.equal(frame.committed.length > 0, true);
      for (const row of frame.committed) assert.ok(row.length <= 100, row);
      const summary = formatSummary(model, { totalMs: end - start, outputs: ["app: built"], columns: 100 });
      matchSnapshot(`${base}.tty.txt`, [...frame.committed, ...summary].join("\n") + "\n");
    });
  }
});
