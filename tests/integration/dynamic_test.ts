// Dynamic targets run as a program on real engines: a file read from one stage chooses the next stage's
// steps, a directory listing makes one step per entry (both CACHED on the second run), stat/readDir/readFile
// with ranges, warn() in plain and rawjson progress with its build.ts line, a test run in a container, and
// failures (a failing container command, a missing file) reported at the build.ts line that caused them.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dk20, dk26c, dk28, skipWithout, type TestEngine } from "../support/engines.ts";
import { runBuildFile } from "../support/runtime.ts";

const BUILD = fileURLToPath(new URL("./fixtures/dynamic/build.ts", import.meta.url));
const SOURCE = readFileSync(BUILD, "utf8").split("\n");

/** The 1-based line of build.ts holding `text`. */
function lineOf(text: string): number {
  const index = SOURCE.findIndex((l) => l.includes(text));
  assert.notEqual(index, -1, text);
  return index + 1;
}

function run(engine: TestEngine, args: string[]) {
  return runBuildFile(BUILD, args, { DOCKER_HOST: `unix://${engine.socket}`, BUILDKIT_HOST: undefined });
}

/** The plain-progress block of the step named `name`: its `#N` lines. */
function stepBlock(stderr: string, name: string): string {
  const header = stderr.split("\n").find((l) => /^#\d+ /.test(l) && l.includes(name));
  assert.ok(header, `no step ${name} in:\n${stderr}`);
  const id = header.split(" ")[0];
  return stderr.split("\n").filter((l) => l.startsWith(`${id} `)).join("\n");
}

for (const engine of [dk26c, dk28, dk20]) {
  describe(`dynamic targets on ${engine?.name ?? "an engine"}`, { skip: skipWithout(engine) }, () => {
    const passing = ["choose", "perEntry", "inspect", "warned", "tested"];

    test("read a file or a directory to choose the next steps; the second run is CACHED", async () => {
      const first = await run(engine!, [...passing, "--progress", "plain"]);
      assert.equal(first.code, 0, first.stderr);
      for (
        const step of [
          "RUN echo blue-1",
          "RUN echo blue-3",
          "RUN echo step for alpha",
          "RUN echo step for gamma",
        ]
      ) {
        stepBlock(first.stderr, step);
      }
      assert.doesNotMatch(first.stderr, /blue-4|step for delta/);
      // stat, readDir with include, a byte range, the engine's platforms.
      assert.match(stepBlock(first.stderr, "[inspect 1/1]"), /colour 5 true 644 gamma lu true/);
      assert.match(stepBlock(first.stderr, "[tested] EXEC /app/test.sh unit"), /tests pass: unit/);

      const second = await run(engine!, [...passing, "--progress", "plain"]);
      assert.equal(second.code, 0, second.stderr);
      for (
        const step of [
          "RUN echo blue-1",
          "RUN echo blue-2",
          "RUN echo blue-3",
          "step for alpha",
          "step for beta",
        ]
      ) {
        assert.match(stepBlock(second.stderr, step), /CACHED/, step);
      }
    });

    test("warn() shows in plain and rawjson progress with its build.ts line", async () => {
      const plain = await run(engine!, ["warned", "--progress", "plain"]);
      assert.equal(plain.code, 0, plain.stderr);
      const line = lineOf("the colour file is deprecated");
      assert.match(
        plain.stderr,
        new RegExp(`WARN: the colour file is deprecated \\(\\S*build\\.ts:${line}:\\d+\\)`),
      );
      // The warning about a state is shown on that state's step.
      assert.match(stepBlock(plain.stderr, "[settings 1/1]"), /WARN: the colour file is deprecated/);
      assert.match(plain.stderr, /WARN: a warning of the target itself/);

      const raw = await run(engine!, ["warned", "--progress", "rawjson"]);
      assert.equal(raw.code, 0, raw.stderr);
      // rawjson prints each update as indented JSON, as buildctl does; warnings' texts are base64.
      const shorts = [...raw.stderr.matchAll(/"short": "([^"]*)"/g)].map((m) => atob(m[1]));
      assert.ok(
        shorts.some((s) => s.includes("the colour file is deprecated") && s.includes(`build.ts:${line}`)),
        shorts.join("\n"),
      );
    });

    test("a failing command in a container fails the target with its output and the exec() line", async () => {
      const r = await run(engine!, ["failingTest", "--progress", "plain"]);
      assert.equal(r.code, 1, r.stderr);
      const line = lineOf("widget is broken >&2");
      assert.match(r.stderr, /error: \[failingTest\] EXEC echo checking the widget.*exited with code 4/);
      assert.match(r.stderr, new RegExp(`--> \\S*build\\.ts:${line}:`));
      assert.match(r.stderr, /> widget is broken/);
      assert.match(r.stderr, /> checking the widget/);
    });

    test("signal() stops a process, or names the missing cap and the line where the engine lacks it", async () => {
      const r = await run(engine!, ["signalled", "--progress", "plain"]);
      if (engine!.name === "dk20") {
        assert.equal(r.code, 1, r.stderr);
        const line = lineOf('proc.signal("KILL")');
        assert.match(
          r.stderr,
          new RegExp(
            `process\\.signal\\(\\) \\(at \\S*build\\.ts:${line}:\\d+\\) needs the engine capability "gateway\\.exec\\.signals"`,
          ),
        );
      } else {
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /RUN echo sleep ended with (137|128|255|9)\b/);
      }
    });

    test("reading a file that does not exist points at the read", async () => {
      const r = await run(engine!, ["readMissing", "--progress", "plain"]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /error: readFile\("\/cfg\/no-such-file"\): .*no such file or directory/);
      assert.match(r.stderr, new RegExp(`--> \\S*build\\.ts:${lineOf('"/cfg/no-such-file"')}:`));
    });
  });
}

describe("dynamic targets without an engine", () => {
  test("--dry-run and --print say the graph depends on the engine", async () => {
    const env = { DOCKER_HOST: "unix:///nonexistent/docker.sock", BUILDKIT_HOST: undefined };
    const dry = await runBuildFile(BUILD, ["choose", "--dry-run"], env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^choose: dynamic, its graph depends on what the engine builds/);
    const print = await runBuildFile(BUILD, ["--print", "--target", "choose"], env);
    assert.equal(print.code, 2, print.stderr);
    assert.match(print.stderr, /target "choose" is dynamic: its graph depends on what the engine builds/);
  });
});
