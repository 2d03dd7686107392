import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDockerignore, readDockerignore } from "./dockerignore.ts";

describe("parseDockerignore", () => {
  test("comments, blank lines, trimming, exceptions and cleaning", () => {
    const text = [
      "# a comment",
      "",
      "   ",
      "  node_modules  ",
      "/dist/",
      "./build/../out//",
      "!  keep.log",
      "!/abs/keep",
      "*.log # not a comment",
      "  # indented: not a comment either",
      "/",
      "!",
    ].join("\n");
    assert.deepEqual(parseDockerignore(text), [
      "node_modules",
      "dist",
      "out",
      "!keep.log",
      "!abs/keep",
      "*.log # not a comment",
      "# indented: not a comment either",
      "/",
      "!",
    ]);
  });

  test("a byte order mark and CRLF line ends are dropped", () => {
    assert.deepEqual(parseDockerignore("\uFEFFa\r\nb\r\n#c\r\n"), ["a", "b"]);
  });

  test("an empty file gives no patterns", () => {
    assert.deepEqual(parseDockerignore(""), []);
  });
});

describe("readDockerignore", () => {
  test("reads <dir>/.dockerignore, or gives [] when there is none", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dockerignore-"));
    try {
      assert.deepEqual(await readDockerignore(dir), []);
      await writeFile(join(dir, ".dockerignore"), "*.tmp\n!a.tmp\n");
      assert.deepEqual(await readDockerignore(dir), ["*.tmp", "!a.tmp"]);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
