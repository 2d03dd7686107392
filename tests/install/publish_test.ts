// Both registries would take the package as it is: JSR (no slow types, no --allow-slow-types) and npm.
// Deno pass only: the commands do not depend on the runtime running the tests.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { explain, ROOT, run } from "./support.ts";

const skip = typeof (globalThis as { Deno?: unknown }).Deno === "undefined" && "runs once, in the Deno pass";

test("deno publish --dry-run passes without --allow-slow-types", { skip }, async () => {
  const r = await run(ROOT, join(ROOT, "node_modules", ".bin", "deno"), [
    "publish",
    "--dry-run",
    "--allow-dirty",
  ], {});
  assert.equal(r.code, 0, explain(r));
  assert.match(r.stdout + r.stderr, /Success.* Dry run complete/);
  assert.doesNotMatch(r.stdout + r.stderr, /_test\.ts|tests\/|bench\//);
});

test("npm publish --dry-run passes, publicly, with no test files", { skip }, async () => {
  const r = await run(ROOT, "npm", ["publish", "--dry-run"], {});
  assert.equal(r.code, 0, explain(r));
  assert.match(r.stdout + r.stderr, /\+ @drydock\/core@\d+\.\d+\.\d+/);
  assert.doesNotMatch(r.stdout + r.stderr, /_test\.|\/fixtures\//);
});
