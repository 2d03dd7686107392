import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { OptionError } from "../core/errors.ts";
import { checkOutputCollisions, type TargetOutputs } from "./output_collisions.ts";
import { selectTargets } from "./targets.ts";
import { scratch } from "../dsl/sources.ts";

const at = { file: "/p/build.ts", line: 12, column: 7 };

function refusal(targets: TargetOutputs[]): string {
  try {
    checkOutputCollisions(targets, at);
  } catch (err) {
    assert.ok(err instanceof OptionError);
    return err.message;
  }
  assert.fail("no collision reported");
}

describe("checkOutputCollisions()", () => {
  test("two targets exporting to one local directory are refused, naming both and the line", () => {
    const m = refusal([
      { name: "a", outputs: [{ type: "local", dest: "/out" }] },
      { name: "b", outputs: [{ type: "local", dest: "/out" }] },
    ]);
    assert.match(
      m,
      /option "targets\.b\.output" target "b" writes its local directory to \/out, as target "a"/,
    );
    assert.match(m, /build\.ts:12:7/);
  });

  test("one tar or OCI file written twice, and a dest inside another's directory, are refused", () => {
    assert.match(
      refusal([
        { name: "a", outputs: [{ type: "tar", dest: "/o/fs.tar" }] },
        { name: "b", outputs: [{ type: "oci", dest: "/o/fs.tar" }] },
      ]),
      /target "b" writes its oci file to \/o\/fs\.tar, as target "a"'s tar file does/,
    );
    assert.match(
      refusal([
        { name: "a", outputs: [{ type: "local", dest: "/o" }] },
        { name: "b", outputs: [{ type: "local", dest: "/o/sub" }] },
      ]),
      /target "b" writes its local directory \/o\/sub inside target "a"'s local directory \/o/,
    );
    assert.match(
      refusal([
        { name: "a", outputs: [{ type: "tar", dest: "/o/x/fs.tar" }] },
        { name: "b", outputs: [{ type: "local", dest: "/o" }] },
      ]),
      /target "b"'s local directory \/o contains target "a"'s tar file \/o\/x\/fs\.tar/,
    );
    assert.match(
      refusal([{ name: "a", outputs: [{ type: "tar", dest: "-" }, { type: "oci", dest: "-" }] }]),
      /target "a" \(output 2\) and target "a" \(output 1\) both write to standard output/,
    );
  });

  test("separate destinations, siblings with a common prefix and images pass", () => {
    checkOutputCollisions([
      { name: "a", outputs: [{ type: "local", dest: "/o/a" }, { type: "image", name: "x" }] },
      { name: "b", outputs: [{ type: "local", dest: "/o/ab" }, { type: "image", name: "x" }] },
      { name: "c", outputs: [{ type: "tar", dest: "/o/c.tar" }, { type: "tar", dest: "-" }] },
    ], at);
  });

  test("selectTargets() refuses `-o DIR` for two targets before anything is built", () => {
    assert.throws(
      () =>
        selectTargets({ a: scratch(), b: scratch() }, undefined, "/p", at, {
          outputs: [{ type: "local", dest: "out" }],
        }),
      /target "b" writes its local directory to \/p\/out, as target "a"'s local directory does/,
    );
  });
});
