import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { compareNames, splitWirePath, wirePathProblem } from "./wire_path.ts";

describe("wirePathProblem()", () => {
  for (const ok of ["a", "a/b.txt", "a-c.txt", ".hidden", "a/..b", "a/b..", "x".repeat(255), "ü/🙂"]) {
    test(`accepts ${JSON.stringify(ok.slice(0, 20))}`, () => assert.equal(wirePathProblem(ok), undefined));
  }

  const bad: [string, RegExp][] = [
    ["", /empty/],
    ["/etc/passwd", /absolute/],
    ["..", /escapes/],
    ["../x", /escapes/],
    ["a/../../x", /escapes/],
    ["a/..", /escapes/],
    ["a//b", /unclean/],
    ["./a", /unclean/],
    ["a/.", /unclean/],
    ["a/", /unclean/],
    ["a\0b", /NUL/],
    ["x".repeat(256), /longer than 255 bytes/],
    ["é".repeat(128), /longer than 255 bytes/], // 256 bytes in UTF-8
    [Array(2100).fill("ab").join("/"), /longer than 4096 bytes/],
  ];
  for (const [path, want] of bad) {
    test(`rejects ${JSON.stringify(path.slice(0, 20))}`, () =>
      assert.match(wirePathProblem(path) ?? "", want));
  }
});

describe("compareNames()", () => {
  test("orders by UTF-8 bytes", () => {
    assert.ok(compareNames("a", "a-c.txt") < 0);
    assert.ok(compareNames("B", "a") < 0);
    assert.ok(compareNames("z", "é") < 0);
    assert.equal(compareNames("same", "same"), 0);
  });

  test("differs from JS string order above U+FFFF", () => {
    const bmp = "\uff5e"; // UTF-8 ef bd be
    const astral = "\u{1f600}"; // UTF-8 f0 9f 98 80, but UTF-16 d83d... sorts first in JS
    assert.ok(astral < bmp);
    assert.ok(compareNames(bmp, astral) < 0);
  });
});

describe("splitWirePath()", () => {
  test("splits parent and name", () => {
    assert.deepEqual(splitWirePath("a/b/c"), ["a/b", "c"]);
    assert.deepEqual(splitWirePath("top"), ["", "top"]);
  });
});
