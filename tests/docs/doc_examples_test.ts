// The @example blocks of the documentation: every one in src/ and the entry points type-checks (against the
// package name, through deno.json's import map), and those of the entry points and the package's own modules
// run. Deno's tools: Deno pass only.
import { test } from "node:test";
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { tmpdir } from "node:os";
import { mkdtempSync, rmSync } from "node:fs";
import { dk26c, skipWithout } from "../support/engines.ts";
import { explain, ROOT, run } from "../install/support.ts";

const skip = typeof (globalThis as { Deno?: unknown }).Deno === "undefined" && "needs Deno's doc tests";
const DENO = join(ROOT, "node_modules", ".bin", "deno");
const ENTRY_POINTS = ["mod.ts", "progress.ts", "llb.ts", "spec.ts"];

test("every @example type-checks (deno check --doc)", { skip }, async () => {
  const r = await run(ROOT, DENO, ["check", "--doc", ...ENTRY_POINTS, "src/"], {});
  assert.equal(r.code, 0, explain(r));
});

// mod.ts's example builds an image: on dk26c.
test("the entry points' and the package modules' @examples run (deno test --doc)", {
  skip: skip || skipWithout(dk26c, "dk26c"),
}, async () => {
  const files = [
    ...ENTRY_POINTS,
    "src/llb/compiled.ts",
    "src/cli/init.ts",
    "src/cli/zod.ts",
    "src/cli/version.ts",
  ];
  const env = { DOCKER_HOST: `unix://${dk26c!.socket}`, BUILDKIT_HOST: undefined };
  const r = await run(ROOT, DENO, ["test", "-A", "--doc", "--no-check", ...files], env);
  assert.equal(r.code, 0, explain(r));
  assert.match(r.stdout, /ok \| \d+ passed/);
});

test("deno doc --html writes the API reference of the entry points", { skip }, async () => {
  // A fresh clone has no .tmp/: deno doc makes only the last folder of --output.
  const out = join(mkdtempSync(join(tmpdir(), "drydock-api-")), "api");
  const r = await run(ROOT, DENO, [
    "doc",
    "--html",
    "--name=@drydock/core",
    `--output=${out}`,
    ...ENTRY_POINTS,
  ], {});
  rmSync(dirname(out), { recursive: true, force: true });
  assert.equal(r.code, 0, explain(r));
});
