import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { local } from "../../mod.ts";
import { graphNodes } from "../llb/graph_walk.ts";
import { readDockerignores } from "./dockerignore.ts";

describe("readDockerignores()", () => {
  test("reads the file of each local() that applies it, skips the others and missing files", async () => {
    const withFile = mkdtempSync(join(tmpdir(), "drydock-di-"));
    const without = mkdtempSync(join(tmpdir(), "drydock-di-"));
    try {
      writeFileSync(join(withFile, ".dockerignore"), "*.tmp\n");
      const found = await readDockerignores([
        ...graphNodes(local(withFile)),
        ...graphNodes(local(without)),
        ...graphNodes(local(withFile, { dockerignore: false, sharedKeyHint: "x" })),
      ]);
      assert.deepEqual([...found], [[withFile, ["*.tmp"]]]);
      const off = await readDockerignores(graphNodes(local(withFile, { dockerignore: false })));
      assert.equal(off.size, 0);
    } finally {
      rmSync(withFile, { recursive: true });
      rmSync(without, { recursive: true });
    }
  });
});
