import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { RpcError } from "../transport/rpc.ts";
import * as errdefs from "../proto/errdefs.gen.ts";
import { engineSource, exitCodeOf, failingVertex } from "./errors.ts";

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const DIGEST = "sha256:" + "ab".repeat(32);

describe("engine error details", () => {
  test("`failingVertex()` reads errdefs.Vertex as JSON or protobuf", () => {
    const asJson = new RpcError("Solve", 2, "boom", [
      { typeUrl: "github.com/moby/buildkit/stack.Stack+json", value: json({ frames: [] }) },
      { typeUrl: "github.com/moby/buildkit/errdefs.Vertex+json", value: json({ digest: DIGEST }) },
    ]);
    assert.equal(failingVertex(asJson), DIGEST);
    const asProto = new RpcError("Solve", 2, "boom", [
      {
        typeUrl: "github.com/moby/buildkit/errdefs.Vertex",
        value: errdefs.Vertex.toBinary({ digest: DIGEST }),
      },
    ]);
    assert.equal(failingVertex(asProto), DIGEST);
    assert.equal(failingVertex(new RpcError("Solve", 2, "boom")), undefined);
  });

  test("`engineSource()` reads errdefs.Source: file, 1-based line, 0-based character, and the text", () => {
    const data = btoa("const a = 1;\nconst app = image('x');\n");
    const asJson = new RpcError("Solve", 2, "boom", [{
      typeUrl: "github.com/moby/buildkit/errdefs.Source+json",
      value: json({
        info: { filename: "/p/build.ts", data },
        ranges: [{ start: { line: 2, character: 12 }, end: { line: 2, character: 24 } }],
      }),
    }]);
    assert.deepEqual(engineSource(asJson), {
      location: { file: "/p/build.ts", line: 2, column: 13 },
      text: "const a = 1;\nconst app = image('x');\n",
    });
    const asProto = new RpcError("Solve", 2, "boom", [{
      typeUrl: "github.com/moby/buildkit/errdefs.Source",
      value: errdefs.Source.toBinary({
        info: { filename: "build.ts", data: new Uint8Array(), language: "" },
        ranges: [{ start: { line: 7, character: 0 } }],
      }),
    }]);
    assert.deepEqual(engineSource(asProto), { location: { file: "build.ts", line: 7, column: 1 } });
    assert.equal(engineSource(new RpcError("Solve", 2, "boom")), undefined);
  });

  test("`exitCodeOf()` reads gatewayapi.ExitMessage, as Docker 26.1 sends it", () => {
    const err = new RpcError("Solve", 2, "exit code: 3", [
      { typeUrl: "github.com/moby/buildkit/gatewayapi.ExitMessage+json", value: json({ Code: 3 }) },
    ]);
    assert.equal(exitCodeOf(err), 3);
    assert.equal(exitCodeOf(new RpcError("Solve", 2, "boom")), undefined);
  });

  test("`engineSource()` reads the exact payload Docker 26.1 attached to a failed run", () => {
    const payload = '{"info":{"filename":"/p/build.ts","language":"TypeScript"},' +
      '"ranges":[{"start":{"line":5,"character":3},"end":{"line":5,"character":3}}]}';
    const err = new RpcError("Solve", 2, "exit code: 3", [
      { typeUrl: "github.com/moby/buildkit/errdefs.Source+json", value: new TextEncoder().encode(payload) },
    ]);
    assert.deepEqual(engineSource(err), { location: { file: "/p/build.ts", line: 5, column: 4 } });
  });
});
