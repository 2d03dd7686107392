import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dockerfile, local } from "../../mod.ts";
import { stateOf } from "../dsl/sources.ts";
import { stateData } from "../dsl/state.ts";
import { graphNodes } from "../llb/graph_walk.ts";
import { marshal } from "../llb/marshal.ts";
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

  test("a dockerfile()'s context reads the Dockerfile's own <name>.dockerignore first, as docker build does", async () => {
    const dir = mkdtempSync(join(tmpdir(), "drydock-di-"));
    try {
      writeFileSync(join(dir, ".dockerignore"), "*.tmp\n");
      writeFileSync(join(dir, "app.Dockerfile.dockerignore"), "secret/\n");
      const nodes = graphNodes(dockerfile(local(dir), { filename: "app.Dockerfile" }));
      const context = marshal(
        stateOf(stateData(dockerfile(local(dir), { filename: "app.Dockerfile" })).output),
        {
          frontendResults: new Map(),
          previewFrontends: true,
          localExcludes: await readDockerignores(nodes),
        },
      );
      const sources = context.ops.map((o) => o.op.source).filter((s) => s !== undefined);
      assert.deepEqual(sources.map((s) => s.attrs?.["local.excludepatterns"]), ['["secret"]', undefined]);
      // Without its own ignore file, the context's .dockerignore applies.
      const plain = await readDockerignores(graphNodes(dockerfile(local(dir))));
      assert.deepEqual([...plain.values()], [["*.tmp"]]);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
