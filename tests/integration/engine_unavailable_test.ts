// No engine where the user points: a one-paragraph error saying what was
// tried and how to start one, no stack trace, non-zero exit.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { buildTargets, EngineUnavailableError, image } from "../../mod.ts";
import { runBuildFile } from "../support/runtime.ts";

const HELLO = fileURLToPath(new URL("../../examples/hello/build.ts", import.meta.url));

describe("engine not reachable", () => {
  test("library: EngineUnavailableError names the endpoint and the reason", async () => {
    const started = Date.now();
    await assert.rejects(
      buildTargets({ t: image("busybox") }, {
        env: { BUILDKIT_HOST: "unix:///nonexistent/buildkitd.sock" },
        connectTimeoutMs: 300,
      }),
      (err: unknown) => {
        assert.ok(err instanceof EngineUnavailableError);
        assert.match(
          err.message,
          /unix:\/\/\/nonexistent\/buildkitd\.sock \(BUILDKIT_HOST: no socket at that path\)/,
        );
        assert.match(err.message, /BUILDKIT_HOST/);
        return true;
      },
    );
    assert.ok(Date.now() - started < 5_000, "gave up after the timeout");
  });

  const defaultsTaken = ["/var/run/docker.sock", "/run/buildkit/buildkitd.sock"].some((p) => existsSync(p));
  test("library: with nothing configured, both default sockets are tried and named", {
    skip: defaultsTaken && "an engine socket exists at a default path on this machine",
  }, async () => {
    // Run against an empty environment, so the defaults are what is tried.
    await assert.rejects(
      buildTargets({ t: image("busybox") }, { env: {}, connectTimeoutMs: 200 }),
      (err: unknown) => {
        assert.ok(err instanceof EngineUnavailableError);
        assert.match(err.message, /unix:\/\/\/var\/run\/docker\.sock \(the default Docker socket: [^)]+\)/);
        assert.match(
          err.message,
          /unix:\/\/\/run\/buildkit\/buildkitd\.sock \(the default buildkitd socket: [^)]+\)/,
        );
        return true;
      },
    );
  });

  test("library: a socket that is not an engine is reported", async () => {
    // Accepts connections and closes them: not an engine.
    const server = createServer((s) => s.destroy());
    const path = `/tmp/drydock-not-an-engine-${process.pid}.sock`;
    await new Promise<void>((r) => server.listen(path, () => r()));
    try {
      await assert.rejects(
        buildTargets({ t: image("busybox") }, {
          env: { DOCKER_HOST: `unix://${path}` },
          connectTimeoutMs: 300,
        }),
        (err: unknown) =>
          err instanceof EngineUnavailableError && err.message.includes(`unix://${path} (DOCKER_HOST: `),
      );
    } finally {
      server.close();
    }
  });

  test("CLI: exits 1 with one paragraph and no stack trace", async () => {
    const r = await runBuildFile(HELLO, [], {
      BUILDKIT_HOST: "unix:///nonexistent/buildkitd.sock",
      DOCKER_HOST: undefined,
    });
    assert.equal(r.code, 1, r.stderr);
    const text = r.stderr.trim();
    assert.match(
      text,
      /^error: Cannot reach a BuildKit engine\. Tried unix:\/\/\/nonexistent\/buildkitd\.sock/,
    );
    assert.match(text, /Start Docker Engine/);
    assert.doesNotMatch(text, /\n\s+at /, "no stack trace");
    assert.equal(text.split("\n").length, 1, "one paragraph");
  });

  test("CLI: a malformed BUILDKIT_HOST is named", async () => {
    const r = await runBuildFile(HELLO, [], { BUILDKIT_HOST: "ssh://example", DOCKER_HOST: undefined });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^error: "ssh:\/\/example": unsupported scheme "ssh"/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
});
