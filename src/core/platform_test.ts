import { test } from "node:test";
import assert from "node:assert/strict";
import { formatPlatform, isPlatformText, parsePlatform, platformSchema } from "./platform.ts";

test("`parsePlatform()` and `formatPlatform()` read and write the same text", () => {
  for (const text of ["linux/amd64", "linux/arm64/v8", "windows/amd64"]) {
    assert.equal(formatPlatform(parsePlatform(text)), text);
  }
  assert.deepEqual(parsePlatform("linux/arm/v7"), { os: "linux", architecture: "arm", variant: "v7" });
  assert.deepEqual(parsePlatform("linux/amd64"), { os: "linux", architecture: "amd64" });
});

test("`isPlatformText()` and `platformSchema` accept the same texts", () => {
  const cases: [string, boolean][] = [
    ["linux/amd64", true],
    ["linux/arm64/v8", true],
    ["linux/x86_64", true],
    ["amd64", false],
    ["Linux/amd64", false],
    ["linux/amd64/", false],
    ["linux/arm/v7/x", false],
  ];
  for (const [text, ok] of cases) {
    assert.equal(isPlatformText(text), ok, text);
    assert.equal(platformSchema.safeParse(text).success, ok, text);
  }
});
