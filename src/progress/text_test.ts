import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { displayWidth, printable, spread, truncate } from "./text.ts";

describe("terminal text", () => {
  test("`printable()` keeps what a terminal would show last and drops control characters", () => {
    assert.equal(printable("downloading 10%\rdownloading 99%\r"), "downloading 99%");
    assert.equal(printable("\x1b]0;title\x07\x1b[1;32mgreen\x1b[0m \x07bell"), "green bell");
    assert.equal(printable("tab\there"), "tab  here");
    assert.equal(printable("\x1b[2K\x1b[1Gcleared"), "cleared");
  });

  test("`displayWidth()` counts wide characters twice and combining marks not at all", () => {
    assert.equal(displayWidth("e\u0301"), 1);
    assert.equal(displayWidth("📦 ok"), 5);
  });

  test("`truncate()` and `spread()` never exceed the width", () => {
    for (const columns of [1, 5, 10, 30]) {
      assert.ok(displayWidth(truncate("日本語のテキストです", columns)) <= columns);
      assert.ok(displayWidth(spread("a rather long step name", "12.3s", columns)) <= columns);
    }
    assert.equal(spread("x", "1.0s", 3), "1.…");
    assert.equal(truncate("abc", 0), "");
  });
});
