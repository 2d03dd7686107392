import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { diff, image, merge, scratch } from "../../mod.ts";
import { EngineCaps } from "./engine_caps.ts";
import { marshal } from "./marshal.ts";

const P = { platform: "linux/amd64" } as const;
const a = () => scratch().mkfile("/a", "a\n");
const b = () => scratch().mkfile("/b", "b\n");

describe("merge()", () => {
  test("a MergeOp over the inputs in order, needing the mergeop cap (golden)", () => {
    const { ops, definition } = marshal(merge([image("busybox", P), a(), b()]));
    const m = ops.at(-2)!;
    assert.deepEqual(m.op.merge, { inputs: [{ input: 0n }, { input: 1n }, { input: 2n }] });
    assert.deepEqual(m.op.inputs!.map((i) => i.digest), ops.slice(0, 3).map((o) => o.digest));
    assert.deepEqual(definition!.metadata![m.digest].caps, { mergeop: true });
    assert.equal(m.digest, "sha256:0e31819ca2d6462882881f7910b358c870c430c4d621ff9de41f670f0f4e1ca4");
  });

  test("empty filesystems are skipped; one layer is that state", () => {
    const one = a();
    assert.equal(merge([scratch(), one, scratch()]), one);
    assert.equal(marshal(merge([scratch(), scratch()])).definition, undefined);
  });

  test("without mergeop on the engine: copies of each root onto the first, and a notice", () => {
    const caps = EngineCaps.fromPong({ llbCaps: [{ id: "mergeop", enabled: false }] }, "e");
    const { ops, notices, definition } = marshal(merge([image("busybox", P), a(), b()]), { caps });
    const file = ops.at(-2)!.op.file!;
    assert.deepEqual(file.actions!.map((x) => [x.input, x.secondaryInput, x.copy!.src, x.copy!.dest]), [
      [0n, 1n, "/", "/"],
      [3n, 2n, "/", "/"],
    ]);
    assert.equal(definition!.metadata![ops.at(-2)!.digest].caps!.mergeop, undefined);
    assert.equal(notices.length, 1);
    assert.match(notices[0], /merge\(\): this engine has no merge op/);
  });

  test("bad arguments name the option", () => {
    assert.throws(() => merge([]), /merge\(\): option "states" must have at least one state/);
    // deno-lint-ignore no-explicit-any
    assert.throws(() => merge([a(), "b" as any]), /merge\(\): option "states\.1" must be a State/);
  });
});

describe("diff()", () => {
  test("a DiffOp of lower and upper, needing the diffop cap (golden)", () => {
    const base = image("busybox", P);
    const { ops, definition } = marshal(diff(base, base.run("touch /x")));
    const d = ops.at(-2)!;
    assert.deepEqual(d.op.diff, { lower: { input: 0n }, upper: { input: 1n } });
    assert.deepEqual(definition!.metadata![d.digest].caps, { diffop: true });
    assert.equal(d.digest, "sha256:22e4ca31f655591c6b8a38a1d9ac0819e37655100663c224a7d5b378e875462a");
  });

  test("scratch on either side is input -1", () => {
    const { ops } = marshal(diff(scratch(), a()));
    assert.deepEqual(ops.at(-2)!.op.diff, { lower: { input: -1n }, upper: { input: 0n } });
  });
});
