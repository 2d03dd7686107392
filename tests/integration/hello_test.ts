// examples/hello/build.ts run as a program, as a user runs it, on each engine.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dk20, dk26c, dk28, skipWithout, type TestEngine } from "../support/engines.ts";
import { imageConfig } from "../support/docker_api.ts";
import { runBuildFile } from "../support/runtime.ts";

const HELLO = fileURLToPath(new URL("../../examples/hello/build.ts", import.meta.url));
const OUT = fileURLToPath(new URL("../../examples/hello/out", import.meta.url));

function helloOn(engine: TestEngine | undefined, label: string) {
  test(
    `examples/hello builds on ${label} and the image has its config`,
    { skip: skipWithout(engine, label) },
    async () => {
      const e = engine!;
      rmSync(OUT, { recursive: true, force: true });
      const r = await runBuildFile(HELLO, ["hello", "files"], {
        DOCKER_HOST: `unix://${e.socket}`,
        BUILDKIT_HOST: undefined,
      });
      assert.equal(r.code, 0, `exit ${r.code}\n${r.stderr}`);
      // Progress in buildx's plain style, on stderr, steps named after the build.ts variable they belong to.
      assert.match(
        r.stderr,
        // WORKDIR is a step of its own (a mkdir, as the Dockerfile frontend makes it).
        /^#\d+ \[hello 4\/4\] RUN echo "\$GREETING" > greeting\.txt && chmod \+x hello\.sh$/m,
      );
      assert.match(r.stderr, /^#\d+ \[src 1\/1\] load local files$/m);
      assert.match(r.stderr, /^#\d+ (DONE \d+\.\d+s|CACHED)$/m);
      assert.match(r.stderr, /hello: image drydock-hello:latest/);

      const config = await imageConfig(e.socket, "drydock-hello:latest");
      assert.deepEqual(config.Cmd, ["./hello.sh"]);
      assert.equal(config.WorkingDir, "/app");
      assert.ok((config.Env as string[]).includes("GREETING=hello from drydock"));
      assert.deepEqual(config.Labels, { "org.opencontainers.image.title": "drydock hello" });

      // The `files` target exported the same filesystem locally.
      assert.equal(readFileSync(`${OUT}/app/greeting.txt`, "utf8"), "hello from drydock\n");
      assert.ok(statSync(`${OUT}/app/hello.sh`).mode & 0o100, "hello.sh is executable");
      assert.ok(existsSync(`${OUT}/bin/busybox`));
      rmSync(OUT, { recursive: true, force: true });
    },
  );
}

describe("hello example", () => {
  helloOn(dk26c, "Docker 26.1 (containerd store)");
  helloOn(dk28, "Docker 28.5 (containerd store)");
  helloOn(dk20, "Docker 20.10");
});
