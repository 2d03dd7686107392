import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { image, merge, scratch } from "../../mod.ts";
import { dumpDefinition, formatDump } from "./dump.ts";
import { definitionDot } from "./dot.ts";
import { marshal } from "./marshal.ts";

const P = { platform: "linux/amd64" } as const;

describe("dumpDefinition() / formatDump()", () => {
  test("one plain JSON object per op, in definition order, as dump-llb prints them", () => {
    const { definition, ops } = marshal(image("busybox", P).mkfile("/f", "hi"));
    const dumped = dumpDefinition(definition!);
    assert.deepEqual(dumped.map((d) => d.Digest), ops.map((o) => o.digest));
    assert.deepEqual(dumped[0].Op, {
      source: { identifier: "docker-image://docker.io/library/busybox:latest", attrs: {} },
      platform: { architecture: "amd64", os: "linux" },
      constraints: {},
    });
    const mkfile =
      (dumped[1].Op as { file: { actions: { mkfile: Record<string, unknown> }[] } }).file.actions[0];
    assert.deepEqual(mkfile.mkfile, { path: "/f", mode: 0o644, data: "aGk=", timestamp: -1 });
    assert.deepEqual(dumped[2].OpMetadata, {
      caps: { constraints: true, "meta.description": true, platform: true },
    });
    const text = formatDump(definition!);
    assert.equal(text.split("\n").length, 4);
    assert.deepEqual(JSON.parse(text.split("\n")[0]), dumped[0]);
  });
});

describe("definitionDot()", () => {
  test("a node per op and an edge per input, from input to user", () => {
    const { definition, ops } = marshal(merge([image("busybox", P), scratch().mkfile("/a", "a")]));
    const dot = definitionDot(definition!);
    assert.match(dot, /^digraph \{\n/);
    for (const o of ops) assert.ok(dot.includes(`"${o.digest}" [label=`));
    const [img, file, m, terminal] = ops.map((o) => o.digest);
    assert.ok(dot.includes(`"${img}" -> "${m}";`));
    assert.ok(dot.includes(`"${file}" -> "${m}";`));
    assert.ok(dot.includes(`"${m}" -> "${terminal}";`));
    assert.match(dot, /label="docker-image:\/\/docker\.io\/library\/busybox:latest\\n/);
    assert.match(dot, /label="merge 2 states\\n/);
    assert.match(dot, /\n\}\n$/);
  });
});
