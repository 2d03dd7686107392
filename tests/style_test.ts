// Lint, formatting and type checks, as part of the suite so main stays clean.
// They use Deno's tools, so they run in the Deno pass only.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const skip = typeof (globalThis as { Deno?: unknown }).Deno === "undefined" &&
  "needs Deno's lint, fmt and check";

function deno(...args: string[]) {
  const r = spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: r.status, output: `${r.stdout}\n${r.stderr}` };
}

test("deno lint finds no problems", { skip }, () => {
  const r = deno("lint");
  assert.equal(r.code, 0, r.output);
});

test("deno fmt --check finds nothing to reformat", { skip }, () => {
  const r = deno("fmt", "--check");
  assert.equal(r.code, 0, r.output);
});

test("everything type-checks", { skip }, () => {
  const r = deno("check", "mod.ts", "src/", "proto/", "tests/", "examples/");
  assert.equal(r.code, 0, r.output);
});
