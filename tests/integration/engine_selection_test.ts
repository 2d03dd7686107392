// Engine selection on a real engine: --builder names a docker context, the
// current context is used when nothing else is set, and build() as a library.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { build, BuildError, image, scratch } from "../../mod.ts";
import { makeDockerConfig } from "../support/docker_config.ts";
import { dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { runBuildFile } from "../support/runtime.ts";

const BUILD = fileURLToPath(new URL("../fixtures/cli/cli_build.ts", import.meta.url));

function selectionOn(engine: TestEngine | undefined, label: string) {
  describe(`engine selection and library use (${label})`, { skip: skipWithout(engine, label) }, () => {
    const context = `drydock-${engine?.name}`;
    const config = engine ? makeDockerConfig({ [context]: `unix://${engine.socket}` }) : "";
    const current = engine ? makeDockerConfig({ [context]: `unix://${engine.socket}` }, context) : "";
    after(() => {
      for (const d of [config, current]) if (d) rmSync(d, { recursive: true, force: true });
    });
    const noEnv = { BUILDKIT_HOST: undefined, DOCKER_HOST: undefined, DOCKER_CONTEXT: undefined };

    test("--builder NAME builds on that docker context", async () => {
      const out = join(config, unique("out"));
      const r = await runBuildFile(BUILD, [
        "ok",
        "--builder",
        context,
        "--out",
        out,
        "--progress=quiet",
      ], {
        ...noEnv,
        DOCKER_CONFIG: config,
      });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(readFileSync(join(out, "ok/ok.txt"), "utf8"), "ok\n");
    });

    test("--host overrides a broken DOCKER_HOST and BUILDKIT_HOST", async () => {
      const out = join(config, unique("out"));
      const r = await runBuildFile(BUILD, ["ok", "--host", engine!.host, "--out", out, "--progress=quiet"], {
        BUILDKIT_HOST: "unix:///nonexistent/bk.sock",
        DOCKER_HOST: "unix:///nonexistent/docker.sock",
      });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(readFileSync(join(out, "ok/ok.txt"), "utf8"), "ok\n");
    });

    test("build() as a library: the current docker context, results returned, nothing printed", async () => {
      const out = join(current, unique("lib"));
      const writes: string[] = [];
      const [stdoutWrite, stderrWrite] = [process.stdout.write, process.stderr.write];
      const capture = (chunk: unknown) => (writes.push(String(chunk)), true);
      process.stdout.write = capture as typeof process.stdout.write;
      process.stderr.write = capture as typeof process.stderr.write;
      let results;
      try {
        results = await build({
          files: {
            state: scratch().copy(image("busybox").run("echo lib > /lib.txt"), "/lib.txt", "/lib.txt"),
            output: { type: "local", dest: out },
          },
        }, { cli: false, env: { DOCKER_CONFIG: current } });
      } finally {
        process.stdout.write = stdoutWrite;
        process.stderr.write = stderrWrite;
      }
      assert.deepEqual(writes, [], "a library call prints nothing");
      assert.deepEqual(Object.keys(results), ["files"]);
      assert.match(results.files.ref, /^[a-z0-9]{25}$/);
      assert.equal(readFileSync(join(out, "lib.txt"), "utf8"), "lib\n");
    });

    test("build() as a library throws a typed BuildError with the line", async () => {
      await assert.rejects(
        build({ broken: image("busybox").run("exit 5") }, { cli: false, env: { DOCKER_CONFIG: current } }),
        (err: unknown) =>
          err instanceof BuildError && err.code === "E_BUILD" && /exit code: 5/.test(err.message) &&
          /engine_selection_test\.ts/.test(err.location?.file ?? ""),
      );
    });
  });
}

selectionOn(dk26c, "Docker 26.1 (containerd store)");
selectionOn(dk28, "Docker 28.5 (containerd store)");
