import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OptionError } from "../core/errors.ts";
import { ProgressModel } from "../progress/model.ts";
import { BuildError } from "../solve/errors.ts";
import { SecretUnavailableError } from "../solve/secret_resolution.ts";
import { formatError } from "./report.ts";

const DIGEST = `sha256:${"cd".repeat(32)}` as const;

function withBuildFile(fn: (file: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "drydock-report-"));
  try {
    const file = join(dir, "build.ts");
    writeFileSync(file, 'const app = image("busybox")\n  .run("make");\nawait build({ app });\n');
    fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("error reports", () => {
  test("`formatError()` shows a failed step's name, exit code, code frame and last log lines", () => {
    withBuildFile((file) => {
      const model = new ProgressModel();
      model.apply({ vertexes: [{ digest: DIGEST, name: "[app 2/2] RUN make", started: { seconds: 1n } }] });
      const msg = new TextEncoder().encode("cc -c main.c\nmain.c:1: error: \x1b[31mboom\x1b[0m\n");
      model.apply({ logs: [{ vertex: DIGEST, stream: 2n, msg }] });
      const message = 'process "/bin/sh -c make" did not complete successfully: exit code: 2';
      const err = new BuildError(message, DIGEST, { file, line: 2, column: 4 });
      const text = formatError(err, { model });
      assert.equal(
        text,
        [
          "error: [app 2/2] RUN make: exited with code 2",
          `  --> ${file}:2:4`,
          "   |",
          ' 1 | const app = image("busybox")',
          ' 2 |   .run("make");',
          "   |    " + "^".repeat('run("make")'.length),
          " 3 | await build({ app });",
          "   |",
          "  last 2 log lines:",
          "    > cc -c main.c",
          "    > main.c:1: error: boom",
          `  engine: ${message}`,
          "",
        ].join("\n"),
      );
    });
  });

  test("`formatError()` prefers the step name the error carries and the source text the engine sent", () => {
    const err = new BuildError("localhost:5000/x:1: not found", DIGEST, {
      file: "/gone/build.ts",
      line: 1,
      column: 13,
    }, {
      step: "[web 1/3] FROM localhost:5000/x:1",
      sourceText: 'const web = image("localhost:5000/x:1");\n',
    });
    const text = formatError(err);
    assert.match(
      text,
      /^error: \[web 1\/3\] FROM localhost:5000\/x:1: image localhost:5000\/x:1 not found\n/,
    );
    assert.ok(
      text.includes(`\n   | ${" ".repeat(12)}${"^".repeat('image("localhost:5000/x:1")'.length)}\n`),
      text,
    );
    assert.doesNotMatch(text, /last .*log/);
  });

  test("`formatError()` gives option errors a code frame too", () => {
    withBuildFile((file) => {
      const err = new OptionError("run", [{ option: "command", message: "must not be empty" }], {
        file,
        line: 2,
        column: 4,
      });
      const text = formatError(err);
      assert.match(text, /^error: run\(\): option "command" must not be empty \(at .*build\.ts:2:4\)\n/);
      assert.ok(text.includes(`\n   |    ${"^".repeat('run("make")'.length)}\n`), text);
    });
  });

  test("`formatError()` without a location or model still names the failure", () => {
    const text = formatError(
      new BuildError("executor failed running [/bin/sh -c x]: exit code: 9", undefined, undefined),
    );
    assert.equal(
      text,
      "error: exited with code 9\n  engine: executor failed running [/bin/sh -c x]: exit code: 9\n",
    );
  });

  test("`formatError()` names a secret that was not provided, with the line of the run that wanted it", () => {
    const err = new BuildError("secret npm_token: not found", DIGEST, {
      file: "/gone/build.ts",
      line: 1,
      column: 20,
    }, {
      step: "[deps 2/3] RUN npm ci",
      sourceText: 'const deps = base.run("npm ci", { secrets: { NPM_TOKEN: secret("npm_token") } });\n',
    });
    const lines = formatError(err).split("\n");
    assert.equal(lines[0], 'error: [deps 2/3] RUN npm ci: secret "npm_token" was not provided');
    assert.equal(lines[1], "  --> /gone/build.ts:1:20");
    assert.ok(lines[4].startsWith(`   | ${" ".repeat(19)}^^^`), lines.join("\n"));
    assert.equal(lines.at(-2), "  engine: secret npm_token: not found");
  });

  test("`formatError()` shows the code frame of any drydock error that carries a build.ts location", () => {
    withBuildFile((file) => {
      const err = new SecretUnavailableError("npm_token", "has no source in build.ts", {
        file,
        line: 2,
        column: 4,
      }, []);
      const lines = formatError(err).split("\n");
      assert.equal(lines[0], 'error: secret "npm_token": has no source in build.ts');
      assert.equal(lines[1], `  --> ${file}:2:4`);
      assert.equal(lines[5], "   |    " + "^".repeat('run("make")'.length));
    });
  });
});
