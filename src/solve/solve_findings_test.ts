import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { image } from "../dsl/sources.ts";
import { marshal } from "../llb/marshal.ts";
import { RpcError } from "../transport/rpc.ts";
import { SolveFindings } from "./solve_findings.ts";

const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

describe("SolveFindings", () => {
  const base = image("localhost:5000/x:1"); // line 11
  const ran = base.run("false"); // line 12
  const m = marshal(ran);
  const runDigest = m.ops.find((o) => o.op.exec)!.digest;
  const findings = new SolveFindings();
  findings.learn(m);
  findings.nameSteps(new Map([[runDigest, "[build 2/2] RUN false"]]));
  const line = (l: number) => ({ file: new URL(import.meta.url).pathname, line: l });

  test("a failed vertex seen in the status stream gives the step's name and build.ts line", () => {
    const f = new SolveFindings();
    f.learn(m);
    f.nameSteps(new Map([[runDigest, "[build 2/2] RUN false"]]));
    f.watch({ vertexes: [{ digest: runDigest, error: "exit code: 1" }] });
    const err = f.buildError(new Error("exit code: 1"));
    assert.equal(err.vertex, runDigest);
    assert.equal(err.step, "[build 2/2] RUN false");
    assert.deepEqual({ file: err.location?.file, line: err.location?.line }, line(12));
    // Before the build exists, the status stream's vertex is not used.
    assert.equal(f.buildError(new Error("refused"), false).vertex, undefined);
  });

  test("an image the engine cannot find leads to its image() call", () => {
    const err = findings.buildError(new Error("localhost:5000/x:1: not found"));
    assert.equal(err.vertex, undefined);
    assert.deepEqual({ file: err.location?.file, line: err.location?.line }, line(11));
  });

  test("the engine's own source map entry wins over the failed op's location", () => {
    const rpc = new RpcError("Solve", 2, "exit code: 1", [{
      typeUrl: "github.com/moby/buildkit/errdefs.Source+json",
      value: json({ info: { filename: "/p/build.ts" }, ranges: [{ start: { line: 4, character: 2 } }] }),
    }, {
      typeUrl: "github.com/moby/buildkit/errdefs.Vertex+json",
      value: json({ digest: runDigest }),
    }]);
    const err = findings.buildError(rpc);
    assert.equal(err.vertex, runDigest);
    assert.equal(err.step, "[build 2/2] RUN false");
    assert.deepEqual(err.location, { file: "/p/build.ts", line: 4, column: 3 });
  });
});
