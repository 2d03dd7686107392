// The same build description gives byte-identical LLB on Deno and Bun:
// both runtimes marshal the rich graph and print a hash of the Definition.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const script = fileURLToPath(new URL("./support/print_definition.ts", import.meta.url));

function printed(runtime: "deno" | "bun"): { definition: string; ops: string[] } {
  const bin = `${root}node_modules/.bin/${runtime}`;
  const args = runtime === "deno" ? ["run", "-A", script] : [script];
  return JSON.parse(execFileSync(bin, args, { cwd: root, encoding: "utf8", timeout: 60_000 }));
}

test("Deno and Bun produce byte-identical definitions for the same graph", () => {
  const deno = printed("deno");
  const bun = printed("bun");
  // Eight steps, plus the mkdir op of each of its two workdir() calls (as the Dockerfile frontend emits).
  assert.equal(deno.ops.length, 10);
  assert.deepEqual(bun.ops, deno.ops, "op digests");
  assert.equal(bun.definition, deno.definition, "whole Definition, with metadata and source map");
});
