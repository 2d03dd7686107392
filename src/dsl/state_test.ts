import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { image, local, OptionError, scratch } from "../../mod.ts";
import { stateData } from "./state.ts";

function thisLine(): number {
  return Number(/:(\d+):\d+\)?$/.exec(new Error().stack!.split("\n")[2])![1]);
}

describe("State", () => {
  test("every method returns a new state and leaves the old one alone", () => {
    const base = image("busybox").env("A", "1");
    const next = base.env("A", "2").workdir("/x").user("nobody");
    assert.equal(base.getEnv("A"), "1");
    assert.equal(next.getEnv("A"), "2");
    assert.equal(stateData(base).settings.cwd, "/");
    assert.equal(stateData(next).settings.cwd, "/x");
    assert.notEqual(base, next);
  });

  test("workdir joins relative paths", () => {
    assert.equal(stateData(scratch().workdir("/a").workdir("b/../c")).settings.cwd, "/a/c");
  });

  test("config: a new entrypoint clears an inherited cmd, as in a Dockerfile", () => {
    const s = scratch().config({ entrypoint: ["e"] });
    assert.equal(stateData(s).image.cmd, null, "null: cleared, not inherited from the base image");
    assert.deepEqual(stateData(s).image.entrypoint, ["e"]);
  });

  test("config: a cmd set in build.ts survives a later entrypoint (Dockerfile CMD then ENTRYPOINT)", () => {
    const s = scratch().config({ cmd: ["a"] }).config({ entrypoint: ["e"] });
    assert.deepEqual(stateData(s).image.cmd, ["a"]);
  });

  test("arg() is seen by later steps, not by the image; shell() runs string commands", () => {
    const s = scratch().arg("V", "1").env("X", "$V").shell(["/bin/ash", "-ec"]);
    assert.deepEqual(stateData(s).settings.env, [["V", "1"], ["X", "1"]]);
    assert.deepEqual(stateData(s).settings.argNames, ["V"]);
    const run = stateData(s.run("true")).output!.op;
    assert.deepEqual(run.kind === "exec" && run.args, ["/bin/ash", "-ec", "true"]);
  });
});

describe("validation errors name the option and the build.ts line", () => {
  test("image() with a bad reference", () => {
    let line = 0;
    assert.throws(() => {
      line = thisLine() + 1;
      image("Busybox:latest");
    }, (err: unknown) => {
      assert.ok(err instanceof OptionError);
      assert.match(
        err.message,
        /^image\(\): option "ref" is not a valid image reference: repository name "library\/Busybox" must be lowercase/,
      );
      assert.match(err.message, new RegExp(`state_test\\.ts:${line}:\\d+\\)$`));
      assert.equal(err.location?.line, line);
      return true;
    });
  });

  test("run() with an unknown option and a wrong type", () => {
    assert.throws(
      // deno-lint-ignore no-explicit-any
      () => image("busybox").run("true", { nmae: "x", env: { A: 1 } } as any),
      (err: unknown) => {
        assert.ok(err instanceof OptionError);
        assert.match(err.message, /^run\(\): 2 invalid options \(at .*state_test\.ts:\d+:\d+\)/);
        assert.match(err.message, /option "env\.A" must be a string, got number 1/);
        assert.match(err.message, /nmae/);
        return true;
      },
    );
  });

  test("run() with an empty command", () => {
    assert.throws(
      () => image("busybox").run(""),
      /^OptionError|run\(\): option "command" must be a shell string or an argv array of strings/,
    );
  });

  test("env() names must not contain '='", () => {
    assert.throws(() => scratch().env("A=B", "c"), /env\(\): option "name" must not contain "="/);
  });

  test("mkfile() refuses big data, pointing at local()", () => {
    assert.throws(
      () => scratch().mkfile("/f", "x".repeat(2 * 1024 * 1024)),
      /option "data" is larger than 1 MiB; put big files in a local\(\)/,
    );
  });

  test("mkdir() mode out of range", () => {
    assert.throws(
      () => scratch().mkdir("/d", { mode: 0o17777 }),
      /mkdir\(\): option "mode" must be at most 0o7777/,
    );
  });

  test("copy() from something that is not a State", () => {
    // deno-lint-ignore no-explicit-any
    assert.throws(() => scratch().copy("ctx" as any, ".", "/"), /copy\(\): option "from" must be a State/);
  });

  test("config() ports", () => {
    assert.throws(() => scratch().config({ expose: ["http"] }), /config\(\): option "expose\.0"/);
  });

  test("local() rejects unknown options", () => {
    // deno-lint-ignore no-explicit-any
    assert.throws(() => local(".", { excludes: ["x"] } as any), /local\(\): .*excludes/);
  });
});
