// The progress modes of a build.ts run as a program on real engines: plain (buildx's format, with steps named
// after build.ts variables), rawjson (buildx's JSON documents) and quiet.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { dk20, dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { runBuildFile } from "../support/runtime.ts";
import { parseRawJson } from "../../src/progress/rawjson.ts";

const BUILD = fileURLToPath(new URL("./fixtures/progress/build.ts", import.meta.url));

function modesOn(engine: TestEngine | undefined, label: string) {
  const env = () => ({
    DOCKER_HOST: `unix://${engine!.socket}`,
    BUILDKIT_HOST: undefined,
    DRYDOCK_TEST_NONCE: unique("modes"),
  });

  test(`plain progress names steps [stage i/n] and shows their logs on ${label}`, {
    skip: skipWithout(engine, label),
  }, async () => {
    const r = await runBuildFile(BUILD, ["--progress=plain"], env());
    assert.equal(r.code, 0, r.stderr);
    const number = (name: RegExp) => {
      const m = new RegExp(`^#(\\d+) ${name.source}$`, "m").exec(r.stderr);
      assert.ok(m, `${name} in\n${r.stderr}`);
      return m[1];
    };
    number(/\[context 1\/1\] load local \./);
    const build = number(/\[app 2\/3\] RUN echo "building .*; done/);
    const check = number(/\[app 3\/3\] RUN echo "testing .*/);
    assert.match(r.stderr, new RegExp(`^#${build} \\d+\\.\\d{3} compiling part 5$`, "m"));
    assert.match(r.stderr, new RegExp(`^#${build} DONE \\d+\\.\\ds$`, "m"));
    assert.match(r.stderr, new RegExp(`^#${check} \\d+\\.\\d{3} testing modes-`, "m"));
    assert.ok(!r.stderr.includes("\x1b["), "no escape sequences outside a terminal");
  });

  test(`rawjson progress is buildx's JSON status documents on ${label}`, {
    skip: skipWithout(engine, label),
  }, async () => {
    const r = await runBuildFile(BUILD, ["--progress=rawjson"], env());
    assert.equal(r.code, 0, r.stderr);
    const json = r.stderr.slice(0, r.stderr.lastIndexOf("\n}\n") + 3);
    const updates = parseRawJson(json);
    const names = updates.flatMap((u) => (u.vertexes ?? []).map((v) => v.name));
    assert.ok(names.some((n) => n?.startsWith("[app 2/3] RUN echo")), names.join("\n"));
    const logs = updates.flatMap((u) => u.logs ?? []).map((l) => new TextDecoder().decode(l.msg)).join("");
    assert.match(logs, /compiling part 3/);
    assert.match(json, /^ {2}"vertexes": \[$/m, "indented like buildx");
  });

  test(
    `quiet progress prints only the result on ${label}`,
    { skip: skipWithout(engine, label) },
    async () => {
      const r = await runBuildFile(BUILD, ["--progress=quiet"], env());
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^app: built\nBuilt 1 target\(s\) in \d+\.\ds\n$/);
    },
  );
}

describe("progress modes", () => {
  modesOn(dk26c, "Docker 26.1 (containerd store)");
  modesOn(dk28, "Docker 28.5 (containerd store)");
  modesOn(dk20, "Docker 20.10");
});
