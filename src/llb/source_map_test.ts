import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { image, scratch } from "../../mod.ts";
import { marshal } from "./marshal.ts";
import * as pb from "../proto/pb.gen.ts";

const P = { platform: "linux/amd64" } as const;
const here = fileURLToPath(import.meta.url);

function nextLine(): number {
  return Number(/:(\d+):\d+\)?$/.exec(new Error().stack!.split("\n")[2])![1]) + 1;
}

describe("source maps", () => {
  test("every op records its build.ts line and column in Definition.source", () => {
    const line = nextLine();
    const s = image("busybox", P).run("true");
    const r = marshal(s);
    const source = r.definition!.source!;
    assert.deepEqual(source.infos, [{ filename: here, language: "TypeScript" }]);
    const run = r.ops.find((o) => o.op.exec)!;
    assert.deepEqual(source.locations![run.digest], {
      locations: [{
        sourceIndex: 0,
        ranges: [{ start: { line, character: 34 }, end: { line, character: 34 } }],
      }],
    });
    const img = r.ops.find((o) => o.op.source)!;
    assert.equal(source.locations![img.digest].locations![0].ranges![0].start!.line, line);
    assert.equal(source.locations![r.ops.at(-1)!.digest], undefined, "the terminal op has none");
    // The map survives a round trip through the wire format.
    const bytes = pb.Definition.toBinary(r.definition!);
    assert.deepEqual(pb.Definition.toBinary(pb.Definition.fromBinary(bytes)), bytes);
  });

  test("an op made by two calls (identical ops collapse) has both locations", () => {
    const a = image("busybox", P);
    const b = image("busybox", P);
    const r = marshal(scratch().copy(a, "/bin/sh", "/a").copy(b, "/bin/sh", "/b"));
    const img = r.ops.find((o) => o.op.source)!;
    assert.equal(r.definition!.source!.locations![img.digest].locations!.length, 2);
    assert.equal(
      r.locations.get(img.digest)!.line,
      r.definition!.source!.locations![img.digest].locations![0].ranges![0].start!.line,
    );
  });

  test("the empty filesystem has no definition", () => {
    assert.equal(marshal(scratch()).definition, undefined);
  });
});
