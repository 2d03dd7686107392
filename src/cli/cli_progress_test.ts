import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CliProgress } from "./cli_progress.ts";
import { BuildError } from "../solve/errors.ts";

const DIGEST = `sha256:${"ef".repeat(32)}` as const;

function capture() {
  const out = { text: "", columns: 80, rows: 24, write: (t: string) => void (out.text += t) };
  return out;
}

describe("CLI progress", () => {
  test("`CliProgress` picks the live view on a terminal outside CI, plain otherwise", () => {
    assert.equal(new CliProgress("auto", { out: capture(), isTTY: true, env: {} }).mode, "tty");
    assert.equal(new CliProgress("auto", { out: capture(), isTTY: true, env: { CI: "true" } }).mode, "plain");
    assert.equal(new CliProgress("auto", { out: capture(), isTTY: false, env: {} }).mode, "plain");
  });

  test("`succeeded()` lists outputs after plain progress, with the time taken", () => {
    const out = capture();
    let clock = 1000;
    const progress = new CliProgress("plain", { out, isTTY: false, env: {}, now: () => clock });
    progress.update({ vertexes: [{ digest: DIGEST, name: "[app 1/1] RUN x", started: { seconds: 1n } }] });
    clock = 3500;
    progress.succeeded(["app: image app:dev"]);
    assert.match(out.text, /^#1 \[app 1\/1\] RUN x\n/);
    assert.match(out.text, /\napp: image app:dev\nBuilt 1 target\(s\) in 2\.5s\n$/);
  });

  test("`succeeded()` puts the outputs in the live view's summary", () => {
    const out = capture();
    const progress = new CliProgress("tty", { out, isTTY: true, env: { NO_COLOR: "1" } });
    progress.update({
      vertexes: [{ digest: DIGEST, name: "RUN x", started: { seconds: 1n }, completed: { seconds: 2n } }],
    });
    progress.succeeded(["app: files in /out"]);
    const rows = out.text.split("\x1b[K\n");
    assert.ok(rows.some((r) => /Built in \d+\.\ds: 1 step run, 0 cached$/.test(r)), out.text);
    assert.ok(rows.includes("  slowest: RUN x 1.0s"), out.text);
    assert.ok(rows.includes("  app: files in /out"), out.text);
    assert.doesNotMatch(out.text, /Built 1 target/);
  });

  test("`failed()` returns the report with the failed step's logs from the progress it showed", () => {
    const out = capture();
    const progress = new CliProgress("quiet", { out, isTTY: false, env: {} });
    progress.update({ vertexes: [{ digest: DIGEST, name: "[app 2/2] RUN make", started: { seconds: 1n } }] });
    progress.update({
      logs: [{ vertex: DIGEST, stream: 2n, msg: new TextEncoder().encode("make: *** no rule\n") }],
    });
    const report = progress.failed(new BuildError("exit code: 2", DIGEST, undefined));
    assert.equal(
      report,
      "error: [app 2/2] RUN make: exited with code 2\n  last log line:\n    > make: *** no rule\n  engine: exit code: 2\n",
    );
    assert.equal(out.text, "", "quiet printed nothing itself");
    assert.equal(progress.failed(undefined), undefined);
  });

  test("`print()` passes messages through every mode", () => {
    for (const mode of ["plain", "quiet", "rawjson"] as const) {
      const out = capture();
      const progress = new CliProgress(mode, { out, isTTY: false, env: {} });
      progress.print("Interrupted\n");
      progress.abandon();
      assert.equal(out.text, "Interrupted\n", mode);
    }
  });
});
