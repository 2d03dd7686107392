import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { image, local, scratch } from "../dsl/sources.ts";
import { dockerfile } from "../dsl/dockerfile.ts";
import type { FrontendNode } from "../dsl/graph.ts";
import { graphNodes } from "../llb/graph_walk.ts";
import { digestOf } from "../llb/digest.ts";
import * as pb from "../proto/pb.gen.ts";
import { marshal } from "../llb/marshal.ts";
import { Cap } from "../llb/caps.ts";
import { stageOfLine, StageReader, stepNames, withStepNames } from "./step_names.ts";

describe("step names", () => {
  test("`stageOfLine()` finds the variable a multi-line chain is assigned to", () => {
    const source = [
      "import { image } from 'drydock';", // 1
      "const deps = image('node')", // 2
      "  .workdir('/app')", // 3
      "  // install", // 4 (a comment inside the chain is not a statement)
      "  .run('npm ci');", // 5
      "export const app = deps.run(", // 6
      "  'npm run build',", // 7
      ");", // 8
      "let tests: State = deps.run('npm test');", // 9
      "tests = tests.run('more');", // 10
      "await build({ app, other: image('x').run('y') });", // 11
    ];
    assert.equal(stageOfLine(source, 2), "deps");
    assert.equal(stageOfLine(source, 3), "deps");
    assert.equal(stageOfLine(source, 5), "deps");
    assert.equal(stageOfLine(source, 7), "app");
    assert.equal(stageOfLine(source, 9), "tests");
    assert.equal(stageOfLine(source, 10), "tests");
    assert.equal(stageOfLine(source, 11), undefined);
    assert.equal(stageOfLine(source, 99), undefined);
  });

  test("`stepNames()` numbers each stage's steps in graph order and keeps custom names", () => {
    const base = image("busybox");
    const app = base.run("make", { name: "compile" }).mkdir("/out").copy(scratch(), "/", "/x");
    const { ops } = marshal(app);
    const stages = new Map([[ops[0].node!.location!.line, "base"]]);
    const names = [...stepNames(ops, (l) => stages.get(l.line), "app").values()];
    assert.deepEqual(names, [
      "[base 1/1] FROM docker.io/library/busybox:latest",
      "[app 1/3] compile",
      "[app 2/3] MKDIR /out",
      "[app 3/3] COPY / /x",
    ]);
  });

  test("`withStepNames()` changes only metadata, so digests stay, and declares meta.description", () => {
    const { definition, ops } = marshal(image("busybox").run("true"));
    const named = withStepNames(definition!, new Map([[ops[0].digest, "[a 1/2] FROM busybox"]]));
    assert.deepEqual(named.def, definition!.def);
    assert.equal(named.metadata![ops[0].digest].description!["llb.customname"], "[a 1/2] FROM busybox");
    assert.equal(named.metadata![ops[1].digest].description!["llb.customname"], "RUN true");
    assert.equal(named.metadata![ops.at(-1)!.digest].caps![Cap.metaDescription], true);
    // The input is left as it was.
    assert.equal(definition!.metadata![ops[0].digest].description, undefined);
  });

  test("`StageReader` reads a build.ts once and tolerates missing files", () => {
    const dir = mkdtempSync(join(tmpdir(), "drydock-stages-"));
    try {
      const file = join(dir, "build.ts");
      writeFileSync(file, "const web = image('nginx')\n  .run('x');\n");
      const reader = new StageReader();
      assert.equal(reader.stageAt({ file, line: 2, column: 4 }), "web");
      rmSync(file);
      assert.equal(reader.stageAt({ file, line: 2, column: 4 }), "web", "read once");
      assert.equal(reader.stageAt({ file: join(dir, "gone.ts"), line: 1, column: 1 }), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("`stepNames()` leaves the ops of a dockerfile() with the names its frontend gave them", () => {
    const built = dockerfile(local("/ctx"));
    const app = image("busybox").copy(built, "/out", "/app");
    const frontend = graphNodes(app).find((n) => n.kind === "frontend") as FrontendNode;
    const inner: pb.Op = { exec: { meta: { args: ["/bin/sh", "-c", "make"] } } };
    const innerBytes = pb.Op.toBinary(inner);
    const innerDigest = digestOf(innerBytes);
    const result: pb.Definition = {
      def: [innerBytes, pb.Op.toBinary({ inputs: [{ digest: innerDigest, index: 0n }] })],
      metadata: { [innerDigest]: { description: { "llb.customname": "[2/2] RUN make" } } },
    };
    const { ops, definition } = marshal(app, { frontendResults: new Map([[frontend, result]]) });
    const names = stepNames(ops, () => "app", "app");
    assert.equal(names.has(innerDigest), false);
    assert.deepEqual([...names.values()], [
      "[app 1/2] FROM docker.io/library/busybox:latest",
      "[app 2/2] COPY /out /app",
    ]);
    const named = withStepNames(definition!, names);
    assert.equal(named.metadata![innerDigest].description!["llb.customname"], "[2/2] RUN make");
  });
});
