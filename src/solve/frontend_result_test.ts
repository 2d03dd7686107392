import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { image } from "../../mod.ts";
import { marshal } from "../llb/marshal.ts";
import { readFrontendResult } from "./frontend_result.ts";

const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const def = marshal(image("busybox").run("true")).definition!;

describe("readFrontendResult()", () => {
  test("one ref: its definition and the single-platform config", () => {
    const got = readFrontendResult(
      { ref: { id: "r", def }, metadata: { "containerimage.config": bytes({ config: { Cmd: ["sh"] } }) } },
      "dockerfile Dockerfile",
    );
    assert.equal(got.definition, def);
    assert.deepEqual(got.image, { config: { Cmd: ["sh"] } });
  });

  test("a one-platform refs map: its ref and the per-platform config", () => {
    const got = readFrontendResult({
      refs: { refs: { "linux/arm64": { id: "r", def } } },
      metadata: {
        "containerimage.config/linux/arm64": bytes({ architecture: "arm64" }),
        "refs.platforms": bytes({}),
      },
    }, "df");
    assert.equal(got.definition, def);
    assert.deepEqual(got.image, { architecture: "arm64" });
  });

  test("no ref at all, or a ref without id and definition, is the empty filesystem", () => {
    assert.equal(readFrontendResult({ ref: {} }, "df").definition, null);
    assert.equal(readFrontendResult({ metadata: {} }, "df").definition, null);
    assert.equal(readFrontendResult({ ref: {} }, "df").image, undefined);
  });

  test("an id without a definition, or several platforms, is refused with the node's name", () => {
    assert.throws(
      () => readFrontendResult({ refDeprecated: "r" }, "dockerfile X"),
      /^DrydockError: dockerfile X: the frontend returned no definition/,
    );
    assert.throws(
      () => readFrontendResult({ refs: { refs: { a: { id: "1", def }, b: { id: "2", def } } } }, "df"),
      /df: the frontend returned 2 platforms, not one/,
    );
  });
});
