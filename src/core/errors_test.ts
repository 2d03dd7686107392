import { test } from "node:test";
import assert from "node:assert/strict";
import { DrydockError, isUsageError, OptionError } from "./errors.ts";

const at = { file: "/work/app/build.ts", line: 3, column: 14 };

test("`OptionError` shows its location absolute in `message`, relative to a given cwd in `describe()`", () => {
  const err = new OptionError("run", [{ option: "command", message: "must not be empty" }], at);
  assert.equal(err.message, 'run(): option "command" must not be empty (at /work/app/build.ts:3:14)');
  assert.equal(err.describe("/work/app"), 'run(): option "command" must not be empty (at build.ts:3:14)');
  assert.equal(err.describe("/work"), 'run(): option "command" must not be empty (at app/build.ts:3:14)');
  // Two levels up is no shorter to read than the absolute path.
  assert.equal(err.describe("/work/x/y"), err.message);
});

test("a problem naming another location shows it relative to the same cwd", () => {
  const first = { file: "/work/app/build.ts", line: 1, column: 1 };
  const err = new OptionError("secret", [{
    option: "id",
    message: (cwd) => `declared twice (first at ${cwd === undefined ? first.file : "build.ts"}:1:1)`,
  }], at);
  assert.match(err.message, /first at \/work\/app\/build\.ts:1:1\) \(at \/work\/app\/build\.ts:3:14\)$/);
  assert.match(err.describe("/work/app"), /first at build\.ts:1:1\) \(at build\.ts:3:14\)$/);
});

test("`isUsageError()` is true for the codes that mean the command line or build.ts is wrong", () => {
  assert.equal(isUsageError(new OptionError("run", [], undefined)), true);
  assert.equal(isUsageError(new DrydockError("E_SPEC", "--output: bad")), true);
  assert.equal(isUsageError(new DrydockError("E_TARGET", 'unknown target "x"')), true);
  assert.equal(isUsageError(new DrydockError("E_BUILD", "exit code: 1")), false);
  assert.equal(isUsageError(new Error("a bug")), false);
});
