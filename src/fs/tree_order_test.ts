import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { TreeOrderValidator } from "./tree_order.ts";

/** Feeds entries ("name/" = directory); returns the index and message of the first problem. */
function firstProblem(entries: string[]): [number, string] | undefined {
  const v = new TreeOrderValidator();
  for (const [i, e] of entries.entries()) {
    const isDir = e.endsWith("/");
    const problem = v.problem(isDir ? e.slice(0, -1) : e, isDir);
    if (problem !== undefined) return [i, problem];
  }
  return undefined;
}

describe("TreeOrderValidator", () => {
  const valid: string[][] = [
    ["a/", "a/b.txt", "a-c.txt"],
    ["a/", "a/b/", "a/b/c/", "a/b/c/d", "a/e", "b"],
    ["x/", "x/y/", "z"],
    ["B", "a", "z", "é", "\uff5e", "\u{1f600}"],
    ["d/", "d/\uff5e", "d/\u{1f600}", "e"],
  ];
  for (const entries of valid) {
    test(`accepts ${entries.join(" ")}`, () => assert.equal(firstProblem(entries), undefined));
  }

  const invalid: [string[], number, RegExp][] = [
    [["a/", "a-c.txt", "a/b.txt"], 2, /out of order: "a\/b.txt"/], // naive full-path sort
    [["b", "a"], 1, /out of order: "a" after "b"/],
    [["a", "a"], 1, /out of order/], // duplicates
    [["a/b"], 0, /parent directory "a" was not sent/],
    [["a/", "a/b/", "c/", "a/b/x"], 3, /out of order/], // came back into a closed directory
    [["a", "a/b"], 1, /parent "a" is not a directory/], // e.g. "a" is a symlink
    [["a", "a/b/c"], 1, /parent "a" is not a directory/],
    [["\u{1f600}", "\uff5e"], 1, /out of order/], // JS order, not byte order
  ];
  for (const [entries, at, want] of invalid) {
    test(`rejects ${entries.join(" ")}`, () => {
      const got = firstProblem(entries);
      assert.ok(got, "expected a problem");
      assert.equal(got[0], at);
      assert.match(got[1], want);
    });
  }
});
