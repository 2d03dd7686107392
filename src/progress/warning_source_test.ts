import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ProgressModel } from "./model.ts";
import { formatSummary } from "./summary.ts";
import { vertex } from "./_testing.ts";
import { warningsFound, warningSource, withWarningSource } from "./warning_source.ts";

// As BuildKit 0.25 (Docker 28.5) sends a Dockerfile build check.
const check = {
  vertex: "sha256:a",
  level: 1n,
  short: new TextEncoder().encode("FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)"),
  detail: [new TextEncoder().encode("The 'as' keyword should match the case of the 'from' keyword")],
  url: "https://docs.docker.com/go/dockerfile/rule/from-as-casing/",
  info: { filename: "ci/Dockerfile.app", language: "Dockerfile" },
  ranges: [{ start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }],
};

describe("frontend warnings with their Dockerfile", () => {
  test("a build check names its Dockerfile and line in the summary", () => {
    const model = new ProgressModel();
    model.apply(
      vertex("sha256:a", "[internal] load build definition from Dockerfile.app", {
        started: 0,
        completed: 10,
      }),
    );
    model.apply({ warnings: [check] });
    assert.deepEqual(model.warnings()[0].source, { file: "ci/Dockerfile.app", line: 1 });
    const lines = formatSummary(model, { totalMs: 100 });
    assert.deepEqual(lines.slice(1), [
      "  1 warning:",
      "    ! FromAsCasing: 'as' and 'FROM' keywords' casing do not match (ci/Dockerfile.app:1)",
    ]);
  });

  test("a warning without a source, or one naming its place already, keeps its text", () => {
    assert.equal(warningSource({ vertex: "x", short: new Uint8Array() }), undefined);
    assert.equal(withWarningSource("plain", undefined), "plain");
    assert.equal(
      withWarningSource("cache miss (/p/build.ts:3:1)", { file: "/p/build.ts", line: 3 }),
      "cache miss (/p/build.ts:3:1)",
    );
    assert.equal(
      withWarningSource("no line note", { file: "Dockerfile", line: 2 }),
      "no line note (Dockerfile:2)",
    );
  });

  test("`warningsFound()` lists them after plain progress as buildx does, with their files", () => {
    assert.equal(warningsFound([]), "");
    assert.equal(
      warningsFound([
        {
          short: "FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)",
          source: { file: "Dockerfile", line: 1 },
        },
        { short: "custom" },
      ]),
      "\n 2 warnings found:\n - FromAsCasing: 'as' and 'FROM' keywords' casing do not match (Dockerfile:1)\n - custom\n",
    );
  });
});
