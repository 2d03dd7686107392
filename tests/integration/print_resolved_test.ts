// --print with an engine reachable: the base image's config is resolved through it, so the printed ops are
// the ones a build of the same target sends (each comes back as a vertex under the printed digest).
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { dk26c, skipWithout, unique } from "../support/engines.ts";
import { runBuildFile } from "../support/runtime.ts";

const BUILD = fileURLToPath(new URL("../fixtures/cli/print_build.ts", import.meta.url));

test("--print digests are the ones built (Docker 26.1, containerd store)", {
  skip: skipWithout(dk26c, "Docker 26.1, containerd store"),
}, async () => {
  const env = { DOCKER_HOST: `unix://${dk26c!.socket}`, BUILDKIT_HOST: undefined };
  const nonce = unique("print");
  const printed = await runBuildFile(BUILD, ["--print", "--nonce", nonce], env);
  assert.equal(printed.code, 0, printed.stderr);
  assert.doesNotMatch(printed.stderr, /is not resolved/);
  const ops = printed.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
  const exec = ops.find((o) => o.Op.exec).Op.exec;
  assert.ok(exec.meta.env.some((e: string) => /^PATH=\/opt\/bin:\/.*bin/.test(e)), exec.meta.env.join(" "));
  assert.equal(exec.meta.cwd, "/sub");

  const built = await runBuildFile(BUILD, ["--nonce", nonce, "--progress", "rawjson"], env);
  assert.equal(built.code, 0, built.stderr);
  const vertexes = new Set(built.stderr.match(/sha256:[0-9a-f]{64}/g));
  // The last line is the terminal pseudo-op, which is no step.
  const missing = ops.slice(0, -1).map((o) => o.Digest).filter((d) => !vertexes.has(d));
  assert.deepEqual(missing, [], "every printed op was built under its printed digest");
});
