import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { codeFrame, formatCodeFrame } from "./code_frame.ts";

const FILE = "/nowhere/build.ts";

describe("code frames", () => {
  test("`formatCodeFrame()` underlines the whole call, nested parentheses and strings included", () => {
    const lines = [
      'const base = image("busybox");',
      "const app = base",
      '  .run("echo \\"(unbalanced\\" && exit 3", { name: f(1) })',
      '  .copy(base, "/a", "/b");',
    ];
    assert.equal(
      formatCodeFrame(lines, { file: FILE, line: 3, column: 4 }, { context: 1 }),
      [
        "  --> /nowhere/build.ts:3:4",
        "   |",
        " 2 | const app = base",
        ' 3 |   .run("echo \\"(unbalanced\\" && exit 3", { name: f(1) })',
        "   |    " + "^".repeat(lines[2].length - 3),
        ' 4 |   .copy(base, "/a", "/b");',
        "   |",
      ].join("\n"),
    );
  });

  test("`formatCodeFrame()` handles the first line, wide line numbers, tabs and calls that go on", () => {
    const lines = Array.from({ length: 12 }, (_, i) => `// line ${i + 1}`);
    lines[9] = "\tconst x = image(";
    const frame = formatCodeFrame(lines, { file: FILE, line: 10, column: 12 }, { context: 2 })!;
    assert.match(frame, /^ {3}--> /);
    assert.match(frame, /\n 10 \| {5}const x = image\(\n {4}\| {15}\^{6}\n/);
    assert.match(frame, /\n 12 \| \/\/ line 12\n/);
    const first = formatCodeFrame(["image('x')"], { file: FILE, line: 1, column: 1 })!;
    assert.match(first, /\n 1 \| image\('x'\)\n {3}\| \^{10}\n/);
    assert.equal(formatCodeFrame(["x"], { file: FILE, line: 5, column: 1 }), undefined);
  });

  test("`formatCodeFrame()` colours the marker when asked", () => {
    const frame = formatCodeFrame(["run()"], { file: FILE, line: 1, column: 1 }, { color: true })!;
    assert.ok(frame.includes("\x1b[1;31m^^^^^\x1b[0m"));
  });

  test("`codeFrame()` uses the text it is given and returns undefined for unreadable files", () => {
    assert.match(
      codeFrame({ file: FILE, line: 1, column: 1 }, { text: "scratch()\n" })!,
      / 1 \| scratch\(\)/,
    );
    assert.equal(codeFrame({ file: FILE, line: 1, column: 1 }), undefined);
  });
});
