// Property test: whatever status stream and error details a buggy or hostile engine sends, the progress
// model, every renderer and the error report neither throw nor hang, and what they keep stays bounded.
// Seeded: a failure prints the seed and case; DRYDOCK_FUZZ_SEED / DRYDOCK_FUZZ_CASES reproduce it.
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import type { StatusResponse, Vertex } from "../proto/moby_buildkit_v1.gen.ts";
import { BuildError, engineSource, exitCodeOf, failingVertex } from "../solve/errors.ts";
import { RpcError } from "../transport/rpc.ts";
import { CliProgress } from "./cli_progress.ts";
import { SeededRandom } from "../../tests/support/seeded_random.ts";
import type { ProgressMode } from "./flags.ts";

const SEED = Number(process.env.DRYDOCK_FUZZ_SEED ?? 0x57a7);
const CASES = Number(process.env.DRYDOCK_FUZZ_CASES ?? 40);

class Gen extends SeededRandom {
  bytes(max: number): Uint8Array {
    const b = new Uint8Array(this.int(max + 1));
    for (let i = 0; i < b.length; i++) b[i] = this.chance(0.7) ? 32 + this.int(95) : this.int(256);
    return b;
  }
  text(max: number): string {
    return this.pick(["", "\n", "\r", "\x1b[2J", "é", "\u0000", "💥", "#1 DONE", "a".repeat(this.int(max))]) +
      new TextDecoder().decode(this.bytes(max));
  }
  time(): { seconds: bigint; nanos: number } | undefined {
    if (this.chance(0.2)) return undefined;
    const seconds = this.pick([0n, 1n, 1_700_000_000n, -5n, 2n ** 40n, BigInt(this.int(100))]);
    return { seconds, nanos: this.pick([0, 999_999_999, -1, 2_000_000_000, this.int(1e9)]) };
  }
}

const DIGESTS = ["sha256:a", "sha256:b", "sha256:c", "", "not-a-digest", "sha256:" + "f".repeat(64)];

function vertex(g: Gen): Vertex {
  return {
    digest: g.pick(DIGESTS),
    inputs: g.chance(0.3) ? [g.pick(DIGESTS), g.pick(DIGESTS)] : [],
    name: g.chance(0.9) ? g.pick(["[app 1/2] RUN x", "[internal] load", g.text(40)]) : undefined,
    cached: g.chance(0.3),
    started: g.time(),
    completed: g.chance(0.5) ? g.time() : undefined,
    error: g.chance(0.2) ? g.pick(["context canceled", "exit code: 1", g.text(200)]) : undefined,
    progressGroup: g.chance(0.2)
      ? { id: g.pick(["g1", "g2", ""]), name: g.text(10), weak: g.chance(0.5) }
      : undefined,
  };
}

function status(g: Gen): StatusResponse {
  const n = (max: number) => g.int(max + 1);
  return {
    vertexes: Array.from({ length: n(4) }, () => vertex(g)),
    statuses: Array.from({ length: n(3) }, () => ({
      id: g.pick(["pull", "extracting", "", g.text(20)]),
      vertex: g.pick(DIGESTS),
      name: g.text(20),
      current: BigInt(g.pick([0, -1, 1e9, g.int(1000)])),
      total: BigInt(g.pick([0, -1, 10, g.int(1000)])),
      timestamp: g.time(),
      started: g.time(),
      completed: g.chance(0.5) ? g.time() : undefined,
    })),
    logs: Array.from({ length: n(5) }, () => ({
      vertex: g.pick(DIGESTS),
      timestamp: g.time(),
      stream: BigInt(g.pick([1, 2, 0, 99])),
      msg: g.bytes(g.chance(0.05) ? 64 * 1024 : 300),
    })),
    warnings: Array.from({ length: g.chance(0.1) ? n(2) : 0 }, () => ({
      vertex: g.pick(DIGESTS),
      level: BigInt(g.int(5)),
      short: g.bytes(50),
      detail: [g.bytes(50)],
      url: g.text(20),
    })),
  };
}

function rpcError(g: Gen): RpcError {
  const details = Array.from({ length: g.int(4) }, () => ({
    typeUrl: g.pick(["errdefs.Vertex", "gatewayapi.ExitMessage", "errdefs.Source", "x", ""]),
    value: g.chance(0.5)
      ? g.bytes(100)
      : new TextEncoder().encode(g.pick(['{"digest":"sha256:a"}', '{"code":', "null", "[]"])),
  }));
  return new RpcError("/moby.buildkit.v1.Control/Solve", g.int(17), g.text(100), details);
}

const MODES: ProgressMode[] = ["plain", "tty", "rawjson", "quiet"];

test(`the progress model, renderers and error report survive ${CASES} malformed status streams (seed ${SEED})`, () => {
  const g = new Gen(SEED);
  for (let i = 0; i < CASES; i++) {
    const mode = MODES[i % MODES.length];
    let written = 0;
    const out = {
      write: (t: string) => void (written += t.length),
      columns: g.pick([0, 1, 20, 80]),
      rows: g.pick([0, 3, 30]),
    };
    try {
      const progress = new CliProgress(mode, { out, isTTY: mode === "tty", env: {} });
      const updates = 1 + g.int(40);
      for (let u = 0; u < updates; u++) progress.update(status(g));
      const rpc = rpcError(g);
      failingVertex(rpc);
      exitCodeOf(rpc);
      engineSource(rpc);
      const err = new BuildError(g.text(100), g.pick(DIGESTS) as `sha256:${string}`, undefined, {
        cause: rpc,
        step: g.chance(0.5) ? g.text(20) : undefined,
        exitCode: g.chance(0.5) ? g.int(300) : undefined,
      });
      const report = progress.failed(err);
      assert.equal(typeof report, "string");
    } catch (e) {
      throw new Error(`case ${i} (mode ${mode}, DRYDOCK_FUZZ_SEED=${SEED}): ${(e as Error).stack}`);
    }
  }
});

test("log output kept for the report stays bounded: 20 MB without a newline, then 200,000 lines", () => {
  const progress = new CliProgress("quiet", { out: { write: () => {} }, isTTY: false, env: {} });
  const digest = "sha256:a";
  progress.update({ vertexes: [{ digest, name: "RUN spam", started: { seconds: 1n, nanos: 0 } }] });
  const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
  for (let i = 0; i < 320; i++) progress.update({ logs: [{ vertex: digest, stream: 1n, msg: chunk }] });
  const lines = new TextEncoder().encode("line\n".repeat(1000));
  for (let i = 0; i < 200; i++) progress.update({ logs: [{ vertex: digest, stream: 1n, msg: lines }] });
  const kept = progress.model.lastLogLines(digest, 1_000_000);
  assert.ok(kept.length <= 1000, `${kept.length} lines kept`);
  const chars = kept.reduce((n, l) => n + l.length, 0);
  assert.ok(chars < 2 * 1024 * 1024, `${chars} characters kept`);
  progress.failed(undefined);
});
