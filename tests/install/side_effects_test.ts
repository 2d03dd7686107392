// Importing drydock installs no process-wide listener and never exits the process; the CLI's handler for
// uncaught errors appears only when a build.ts runs as a program.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtimeCommand } from "../support/runtime.ts";

const LIBRARY = fileURLToPath(new URL("./fixtures/library_import.ts", import.meta.url));
const BAD_OPTION = fileURLToPath(new URL("../fixtures/cli/bad_option_build.ts", import.meta.url));

function run(file: string) {
  const [cmd, args] = runtimeCommand(file, []);
  return spawnSync(cmd, args, { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
}

test("importing every entry point adds no process listener; an uncaught error is the runtime's to report", () => {
  const r = run(LIBRARY);
  assert.equal(r.stdout, "listeners 0\n", r.stderr);
  // The runtime's own report (with a stack trace, exit 1), not the CLI's one-line "error: ..." and exit 2.
  assert.equal(r.status, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /^error: thrown by the program/);
  assert.match(r.stderr, /thrown by the program, not by drydock/);
  assert.match(r.stderr, /library_import\.ts:\d+/);
});

test("a build.ts run as a program gets the CLI's report for a bad option at its top", () => {
  const r = run(BAD_OPTION);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^error: run\(\): option "env\.A" must be a string/);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
});
