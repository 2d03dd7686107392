import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { formatSummary } from "./summary.ts";
import { ProgressModel } from "./model.ts";
import { merge, vertex } from "./status_test_util.ts";

describe("summary", () => {
  test("`formatSummary()` counts run, cached, failed and canceled steps and names the slowest", () => {
    const model = new ProgressModel();
    model.apply(merge(
      vertex("sha256:a", "FROM busybox", { cached: true, started: 0, completed: 0 }),
      vertex("sha256:b", "RUN quick", { started: 0, completed: 100 }),
      vertex("sha256:c", "RUN slow", { started: 0, completed: 5000 }),
      vertex("sha256:d", "RUN medium", { started: 0, completed: 1000, error: "exit code: 2" }),
      vertex("sha256:e", "RUN other", { started: 0, completed: 1000, error: "context canceled" }),
      vertex("sha256:f", "RUN tiny", { started: 0, completed: 10 }),
    ));
    assert.deepEqual(formatSummary(model, { totalMs: 5200, slowest: 2 }), [
      "Failed after 5.2s: 3 steps run, 1 cached, 1 failed, 1 canceled",
      "  slowest: RUN slow 5.0s · RUN medium 1.0s",
    ]);
  });

  test("`formatSummary()` cuts lines to the terminal's width", () => {
    const model = new ProgressModel();
    model.apply(vertex("sha256:a", "RUN x", { started: 0, completed: 100 }));
    const lines = formatSummary(model, {
      totalMs: 100,
      outputs: ["app: image " + "x".repeat(100)],
      columns: 30,
    });
    for (const line of lines) assert.ok(line.length <= 30, line);
    assert.equal(lines[0], "Built in 0.1s: 1 step run, 0 …");
  });
});

describe("summary of a failed build", () => {
  test("`formatSummary()` says the build failed when told so, even without a failed step", () => {
    const model = new ProgressModel();
    model.apply(vertex("sha256:a", "RUN x", { started: 0, completed: 100 }));
    assert.equal(
      formatSummary(model, { totalMs: 300, failed: true })[0],
      "Failed after 0.3s: 1 step run, 0 cached",
    );
  });
});
