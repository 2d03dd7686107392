// The engine reads our source map: a failing step's error carries the
// build.ts file and line of the call that made it (errdefs.Source, BuildKit 0.13).
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { image, scratch } from "../../mod.ts";
import { RpcError } from "../../src/transport/rpc.ts";
import { dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { buildFiles } from "../support/build_files.ts";

function sourceMapOn(engine: TestEngine | undefined, label: string) {
  test(`a failing step's engine error points at its build.ts line (${label})`, {
    skip: skipWithout(engine, label),
  }, async () => {
    const line = Number(/:(\d+):\d+\)?$/.exec(new Error().stack!.split("\n")[1])![1]) + 1;
    const failing = image("busybox").env("SALT", unique("salt")).run("exit 3");
    const err = await buildFiles(engine!, scratch().copy(failing, "/x", "/x")).then(
      () => undefined,
      (e) => e,
    );
    assert.ok(err instanceof Error);
    let rpc: unknown = err;
    while (rpc && !(rpc instanceof RpcError)) rpc = (rpc as Error).cause;
    assert.ok(rpc instanceof RpcError, "the engine's error is kept as the cause");
    const source = rpc.statusDetails.find((d) => d.typeUrl.endsWith("errdefs.Source+json"));
    assert.ok(source, "the engine attached a source location");
    const parsed = JSON.parse(new TextDecoder().decode(source.value));
    assert.equal(parsed.info.filename, fileURLToPath(import.meta.url));
    assert.equal(parsed.info.language, "TypeScript");
    assert.equal(parsed.ranges[0].start.line, line);
  });
}

sourceMapOn(dk26c, "Docker 26.1, containerd store");
// BuildKit >= 0.18 looks the source up by its own re-encoding of the op: Go's field order.
sourceMapOn(dk28, "Docker 28.5, containerd store");
