// A build.ts whose steps fail in each way a user meets (a run that exits non-zero, a copy of a path that does
// not exist, an image that cannot be found) run as a program: the report names the step, what went wrong and
// the build.ts line and call, on Docker 26.1 (containerd store) and Docker 20.10.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dk20, dk26c, dk28, skipWithout, type TestEngine } from "../support/engines.ts";
import { runBuildFile } from "../support/runtime.ts";

const BUILD = fileURLToPath(new URL("./fixtures/errors/build.ts", import.meta.url));
const SOURCE = readFileSync(BUILD, "utf8").split("\n");

/** The 1-based line of build.ts holding `text`, and the column where it starts. */
function where(text: string): { line: number; column: number } {
  const index = SOURCE.findIndex((l) => l.includes(text));
  assert.notEqual(index, -1, text);
  return { line: index + 1, column: SOURCE[index].indexOf(text) + 1 };
}

interface Case {
  target: string;
  /** The first line of the report after `error: `. */
  headline: RegExp;
  /** The call the code frame underlines, as written in build.ts. */
  call: string;
  logs?: string[];
  /**
   * Whether the engine ran the step and failed it (then the report quotes the engine and the plain progress
   * shows the step), rather than drydock refusing before sending anything.
   * @default true
   */
  engine?: boolean;
}

const CASES: Case[] = [
  {
    target: "failing",
    headline: /^\[failing 1\/1\] RUN echo preparing; echo about to fail >&2; exit 3: exited with code 3$/,
    call: 'run("echo preparing; echo about to fail >&2; exit 3")',
    logs: ["preparing", "about to fail"],
  },
  {
    target: "missing",
    headline: /^\[missing 1\/1\] COPY \/no\/such\/path \/dest: source path \/no\S* does not exist$/,
    call: 'copy(base, "/no/such/path", "/dest")',
  },
  {
    target: "unknownImage",
    headline:
      /^(\[unknownImage 1\/2\] FROM|\[internal\] load metadata for) \S+\/drydock-missing-image:1: image \S+\/drydock-missing-image:1 not found$/,
    call: "image(`${process.env.DRYDOCK_REGISTRY",
  },
  {
    target: "needsSecret",
    // Found missing before anything is sent; the report points at the run that mounts it.
    headline:
      /^secret "drydock-never-provided" \(used at \S*fixtures\/errors\/build\.ts:\d+:\d+\): has no source in build\.ts; give one with --secret .*$/,
    // The call goes on over the next lines; the marker runs to the end of its first.
    call: 'run("cat /run/secrets/token", {',
    engine: false,
  },
];

function reportsOn(engine: TestEngine | undefined, label: string) {
  for (const c of CASES) {
    test(`a failing ${c.target} build points at its build.ts line on ${label}`, {
      skip: skipWithout(engine, label),
    }, async () => {
      const r = await runBuildFile(BUILD, [c.target, "--progress=plain"], {
        DOCKER_HOST: `unix://${engine!.socket}`,
        BUILDKIT_HOST: undefined,
      });
      assert.equal(r.code, 1, r.stderr);
      const report = r.stderr.slice(r.stderr.lastIndexOf("\nerror: ") + 1);
      const lines = report.split("\n");
      assert.match(lines[0].slice("error: ".length), c.headline, report);

      // The code frame: the location header, the line itself, and carets under the call.
      const { line, column } = where(c.call);
      assert.match(lines[1], new RegExp(`--> .*fixtures/errors/build\\.ts:${line}:${column}$`), report);
      const shown = lines.findIndex((l) => l.startsWith(` ${String(line).padStart(2)} | `));
      assert.notEqual(shown, -1, report);
      assert.equal(lines[shown].slice(6), SOURCE[line - 1]);
      const carets = lines[shown + 1];
      assert.equal(carets.indexOf("^"), 6 + column - 1, report);
      assert.ok(carets.trimEnd().length - carets.indexOf("^") >= c.call.length, report);

      if (c.logs) {
        const tail = lines.slice(lines.findIndex((l) => /^ {2}last \d+ log lines:$/.test(l)) + 1);
        for (const logLine of c.logs) assert.ok(tail.includes(`    > ${logLine}`), report);
      }
      if (c.engine === false) {
        assert.doesNotMatch(r.stderr, /^#\d+ /m, "nothing was built");
        return;
      }
      assert.match(report, /\n {2}engine: .+/);
      // The plain progress above it names the step the same way.
      assert.match(r.stderr, new RegExp(`^#\\d+ ${escape(lines[0].slice(7).split(": ")[0])}$`, "m"));
    });
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const BAD_OPTION = fileURLToPath(new URL("./fixtures/errors/bad_option.ts", import.meta.url));

test("a bad option of build() is reported with a code frame of the call, before any engine is asked", async () => {
  const r = await runBuildFile(BAD_OPTION, [], {
    DOCKER_HOST: "unix:///nonexistent/docker.sock",
    BUILDKIT_HOST: undefined,
  });
  assert.equal(r.code, 2, r.stderr);
  const source = readFileSync(BAD_OPTION, "utf8").split("\n");
  const line = source.findIndex((l) => l.startsWith("await build(")) + 1;
  const column = source[line - 1].indexOf("build(") + 1;
  const lines = r.stderr.split("\n");
  assert.match(
    lines[0],
    /^error: build\(\): option "targets\.app\.image" .* \(at .*bad_option\.ts:\d+:\d+\)$/,
    r.stderr,
  );
  assert.match(lines[1], new RegExp(`--> .*fixtures/errors/bad_option\\.ts:${line}:${column}$`), r.stderr);
  const shown = lines.findIndex((l) => l.startsWith(` ${line} | await build({`));
  assert.notEqual(shown, -1, r.stderr);
  assert.equal(lines[shown + 1], `   | ${" ".repeat(column - 1)}${"^".repeat("build({".length)}`, r.stderr);
  assert.doesNotMatch(r.stderr, /Cannot reach/, "nothing was sent");
});

describe("error reports", () => {
  reportsOn(dk26c, "Docker 26.1 (containerd store)");
  reportsOn(dk28, "Docker 28.5 (containerd store)");
  reportsOn(dk20, "Docker 20.10");
});
