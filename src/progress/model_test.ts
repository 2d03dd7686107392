import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ProgressModel } from "./model.ts";
import { isCanceledError, isCompleted, isStarted, latestStart } from "./item_state.ts";
import { EPOCH_MS, log, merge, status, vertex } from "./status_test_util.ts";

const ms = (t: number) => EPOCH_MS + t;

describe("ProgressModel", () => {
  test("`ProgressModel` lists vertices in order of first appearance, placeholders once announced", () => {
    const model = new ProgressModel();
    model.apply(log("sha256:c", 1, "early\n"));
    model.apply(merge(vertex("sha256:b", "b"), vertex("sha256:a", "a")));
    assert.deepEqual(model.vertices().map((v) => v.digest), ["sha256:b", "sha256:a"]);
    assert.equal(model.vertex("sha256:c")?.announced, false);
    model.apply(vertex("sha256:c", "c", { inputs: ["sha256:a"] }));
    assert.deepEqual(model.vertices().map((v) => v.name), ["c", "b", "a"]);
    assert.deepEqual(model.vertex("sha256:c")?.inputs, ["sha256:a"]);
    assert.deepEqual(model.lastLogLines("sha256:c", 5), ["early"]);
  });

  test("`ProgressModel` follows a vertex through start, completion and cache", () => {
    const model = new ProgressModel();
    model.apply(vertex("sha256:a", "a"));
    assert.deepEqual(model.vertex("sha256:a")?.intervals, []);
    model.apply(vertex("sha256:a", "a", { started: 100 }));
    assert.deepEqual(model.vertex("sha256:a")?.intervals, [{ start: ms(100) }]);
    model.apply(vertex("sha256:a", "a", { started: 100, completed: 150, cached: true }));
    const v = model.vertex("sha256:a")!;
    assert.deepEqual(v.intervals, [{ start: ms(100), end: ms(150) }]);
    assert.equal(v.cached, true);
    assert.equal(v.error, undefined);
    assert.ok(Object.isFrozen(v));
  });

  test("`ProgressModel` never reopens a finished run from a stale or reordered update", () => {
    const model = new ProgressModel();
    // The completion arrives before the start it completes, then a stale announcement.
    model.apply(vertex("sha256:a", "a", { started: 0, completed: 80, error: "exit code: 1" }));
    model.apply(vertex("sha256:a", "a", { started: 0 }));
    model.apply(vertex("sha256:a", "a"));
    const v = model.vertex("sha256:a")!;
    assert.deepEqual(v.intervals, [{ start: ms(0), end: ms(80) }]);
    assert.equal(v.error, "exit code: 1");
  });

  test("`ProgressModel` keeps every run of a restarted vertex and takes fields from the latest", () => {
    const model = new ProgressModel();
    model.apply(vertex("sha256:a", "a", { started: 0, completed: 200, error: "context canceled" }));
    model.apply(vertex("sha256:a", "a", { started: 1000 }));
    let v = model.vertex("sha256:a")!;
    assert.equal(v.error, undefined);
    assert.equal(isCompleted(v), false);
    assert.equal(latestStart(v), ms(1000));
    // A late copy of the first run must not bring its error back.
    model.apply(vertex("sha256:a", "a", { started: 0, completed: 200, error: "context canceled" }));
    model.apply(vertex("sha256:a", "a", { started: 1000, completed: 1300 }));
    v = model.vertex("sha256:a")!;
    assert.deepEqual(v.intervals, [{ start: ms(0), end: ms(200) }, { start: ms(1000), end: ms(1300) }]);
    assert.equal(v.error, undefined);
    assert.equal(isCompleted(v), true);
  });

  test("`ProgressModel` merges overlapping runs", () => {
    const model = new ProgressModel();
    model.apply(vertex("sha256:a", "a", { started: 0, completed: 500 }));
    model.apply(vertex("sha256:a", "a", { started: 300, completed: 900 }));
    assert.deepEqual(model.vertex("sha256:a")?.intervals, [{ start: ms(0), end: ms(900) }]);
  });

  test("`ProgressModel.apply()` reports steps only when what a renderer shows changes", () => {
    const model = new ProgressModel();
    assert.deepEqual(model.apply(vertex("sha256:a", "a")).steps, ["sha256:a"]);
    assert.deepEqual(model.apply(vertex("sha256:a", "a")).steps, []);
    assert.deepEqual(model.apply(vertex("sha256:a", "a", { started: 5 })).steps, ["sha256:a"]);
    assert.deepEqual(model.apply(vertex("sha256:a", "a", { started: 5 })).steps, []);
    assert.deepEqual(model.apply(vertex("sha256:a", "a")).steps, []);
    assert.deepEqual(model.apply(vertex("sha256:a", "a", { started: 5, completed: 9 })).steps, ["sha256:a"]);
  });

  test("`ProgressModel` keeps the newest state of each status and ignores stale ones", () => {
    const model = new ProgressModel();
    model.apply(vertex("sha256:a", "a", { started: 0 }));
    const first = model.apply(
      status("sha256:a", "sha256:layer", { current: 10, total: 100, started: 1, timestamp: 1 }),
    );
    assert.equal(first.statuses.length, 1);
    model.apply(status("sha256:a", "sha256:layer", { current: 60, total: 100, timestamp: 5 }));
    // Older than what we have: dropped.
    assert.equal(
      model.apply(status("sha256:a", "sha256:layer", { current: 30, total: 100, timestamp: 3 })).statuses
        .length,
      0,
    );
    // Exactly the same again: dropped.
    assert.equal(
      model.apply(status("sha256:a", "sha256:layer", { current: 60, total: 100, timestamp: 5 })).statuses
        .length,
      0,
    );
    model.apply(status("sha256:a", "sha256:layer", { current: 100, total: 100, completed: 8 }));
    // A copy of the completion without its completed time, at the same instant: dropped.
    model.apply(status("sha256:a", "sha256:layer", { current: 100, total: 100, timestamp: 8 }));
    model.apply(status("sha256:a", "extracting", { started: 9 }));
    assert.deepEqual(model.vertex("sha256:a")?.statuses, [
      {
        vertex: "sha256:a",
        id: "sha256:layer",
        name: "",
        current: 100,
        total: 100,
        timestamp: ms(8),
        started: ms(1), // kept from the first update
        completed: ms(8),
      },
      {
        vertex: "sha256:a",
        id: "extracting",
        name: "",
        current: 0,
        total: 0,
        timestamp: ms(9),
        started: ms(9),
      },
    ]);
  });

  test("`ProgressModel` keeps a bounded tail of log lines plus the unterminated one", () => {
    const model = new ProgressModel({ logLines: 3 });
    model.apply(log("sha256:a", 1, "one\ntwo\nth"));
    model.apply(log("sha256:a", 2, "ree\nfour\nfive\nsix", 2n));
    assert.deepEqual(model.lastLogLines("sha256:a", 10), ["three", "four", "five", "six"]);
    assert.deepEqual(model.lastLogLines("sha256:a", 2), ["five", "six"]);
    assert.deepEqual(model.lastLogLines("sha256:a", 0), []);
    assert.deepEqual(model.lastLogLines("sha256:unknown", 3), []);
    for (let i = 0; i < 250; i++) model.apply(log("sha256:a", 3, `line ${i}\n`));
    assert.deepEqual(model.lastLogLines("sha256:a", 10), ["line 247", "line 248", "line 249"]);
  });

  test("`ProgressModel` decodes UTF-8 split across chunks, one decoder per stream", () => {
    const model = new ProgressModel();
    const bytes = new TextEncoder().encode("crème\n"); // "è" is bytes 2 and 3
    const first = model.apply(log("sha256:a", 1, bytes.slice(0, 3)));
    // A stderr chunk between the halves must not break the stdout character.
    model.apply(log("sha256:a", 2, "!", 2n));
    const second = model.apply(log("sha256:a", 3, bytes.slice(3)));
    assert.deepEqual(first.logs.map((l) => l.text), ["cr"]);
    assert.deepEqual(second.logs.map((l) => [l.text, l.stream, l.timestamp]), [["ème\n", 1, ms(3)]]);
    // Like buildx, lines are assembled per vertex across streams.
    assert.deepEqual(model.lastLogLines("sha256:a", 1), ["cr!ème"]);
  });

  test("`ProgressModel` shows a progress group as one step once a non-weak member starts", () => {
    const model = new ProgressModel();
    const group = { id: "g", name: "pulling busybox" };
    model.apply(
      vertex("sha256:w", "resolve", {
        started: 0,
        completed: 5,
        cached: true,
        progressGroup: { ...group, weak: true },
      }),
    );
    assert.deepEqual(model.steps(), []);
    const change = model.apply(vertex("sha256:m", "layer", { started: 10, progressGroup: group }));
    assert.deepEqual(change.steps, ["group:g"]);
    model.apply(status("sha256:m", "sha256:aaa", { current: 5, total: 10, started: 10 }));
    let step = model.steps()[0];
    assert.equal(step.name, "pulling busybox");
    assert.deepEqual(step.members, ["sha256:w", "sha256:m"]);
    assert.deepEqual(step.intervals, [{ start: ms(0), end: ms(5) }, { start: ms(10) }]);
    assert.deepEqual(step.statuses.map((s) => s.id), ["sha256:aaa"]);
    assert.equal(step.cached, false);
    assert.equal(model.stepKeyOf("sha256:m"), "group:g");
    assert.equal(model.step("sha256:m"), undefined);

    model.apply(
      vertex("sha256:m", "layer", { started: 10, completed: 20, cached: true, progressGroup: group }),
    );
    step = model.step("group:g")!;
    assert.equal(step.cached, true);
    assert.equal(isCompleted(step), true);
    assert.equal(model.summary().total, 1);
  });

  test("`ProgressModel` reveals a group whose member failed and reports its first error", () => {
    const model = new ProgressModel();
    const group = { id: "g", name: "group", weak: true };
    model.apply(merge(
      vertex("sha256:x", "x", { progressGroup: group }),
      vertex("sha256:y", "y", { started: 0, completed: 1, error: "not found", progressGroup: group }),
    ));
    assert.equal(model.step("group:g")?.visible, true);
    assert.equal(model.step("group:g")?.error, "not found");
  });

  test("`ProgressModel` records warnings once", () => {
    const model = new ProgressModel();
    const short = new TextEncoder().encode("JSONArgsRecommended");
    const detail = [new TextEncoder().encode("use JSON arguments")];
    const warning = { vertex: "sha256:a", level: 1n, short, detail, url: "https://docs.docker.com" };
    assert.equal(model.apply({ warnings: [warning] }).warnings.length, 1);
    assert.equal(model.apply({ warnings: [warning] }).warnings.length, 0);
    assert.deepEqual(model.warnings(), [
      {
        vertex: "sha256:a",
        level: 1,
        short: "JSONArgsRecommended",
        detail: ["use JSON arguments"],
        url: "https://docs.docker.com",
      },
    ]);
    assert.equal(model.vertex("sha256:a")?.warnings.length, 1);
  });

  test("`ProgressModel.summary()` counts steps and measures wall-clock time", () => {
    const model = new ProgressModel();
    model.apply(merge(
      vertex("sha256:a", "a", { started: 0, completed: 0, cached: true }),
      vertex("sha256:b", "b", { started: 100, completed: 1100 }),
      vertex("sha256:c", "c", { started: 200, completed: 2100, error: "exit code: 2" }),
      vertex("sha256:d", "d", { started: 300, completed: 2101, error: "context canceled" }),
      vertex("sha256:e", "e", { started: 400 }),
      vertex("sha256:f", "f"),
    ));
    assert.deepEqual(model.summary(), {
      total: 6,
      completed: 4,
      cached: 1,
      errored: 1,
      canceled: 1,
      running: 1,
      durationMs: 2101,
    });
    assert.equal(model.summary(ms(5000)).durationMs, 5000);
    assert.deepEqual(model.failures().map((v) => v.name), ["c"]);
  });

  test("`isStarted()`, `isCompleted()` and `isCanceledError()` read a step's state", () => {
    assert.equal(isStarted({ intervals: [] }), false);
    assert.equal(isCompleted({ intervals: [] }), false);
    assert.equal(isCompleted({ intervals: [{ start: 0 }] }), false);
    assert.equal(isCanceledError(undefined), false);
    assert.equal(isCanceledError("rpc error: code = Canceled desc = context canceled"), true);
  });
});
