// Depth: the lowering walks the graph with its own stack, so a chain of any length marshals. The chains
// are made from one DSL node each (100,000 DSL calls would make the test slow, not deeper).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { image, scratch } from "../../mod.ts";
import type { ExecNode, FileNode, OpNode, Output } from "../dsl/graph.ts";
import { stateData } from "../dsl/state.ts";
import { marshal } from "./marshal.ts";
import { graphNodes } from "./graph_walk.ts";
import { State } from "../dsl/state.ts";

const STEPS = 100_000;

/** `steps` copies of `node`, each on the result of the one before, starting on `base`. */
function chainOf<N extends ExecNode | FileNode>(
  base: Output | null,
  node: N,
  steps: number,
  on: (n: N, prev: Output | null, i: number) => N,
): Output {
  let prev = base;
  for (let i = 0; i < steps; i++) prev = { op: on(node, prev, i), index: 0 };
  return prev!;
}

function stateOn(output: Output): State {
  return new State({ ...stateData(image("busybox")), output });
}

describe("marshal() depth", () => {
  test("a 100,000-step chain of run steps marshals (no stack overflow), every step one op", () => {
    const start = stateData(image("busybox", { platform: "linux/amd64" })).output;
    const template = stateData(image("busybox").run("true")).output!.op as ExecNode;
    const out = chainOf(start, template, STEPS, (n, prev, i) => ({
      ...n,
      args: ["/bin/sh", "-c", `echo ${i}`],
      mounts: [{ kind: "bind", dest: "/", source: prev, readonly: false }],
    }));
    const { ops, definition } = marshal(stateOn(out));
    assert.equal(ops.length, STEPS + 2); // the image, the steps, the terminal op
    assert.equal(ops[0].op.source?.identifier, "docker-image://docker.io/library/busybox:latest");
    assert.deepEqual(ops[1].op.exec?.meta?.args, ["/bin/sh", "-c", "echo 0"]);
    assert.deepEqual(ops.at(-2)!.op.exec?.meta?.args, ["/bin/sh", "-c", `echo ${STEPS - 1}`]);
    // Each step reads the one before it.
    for (const i of [1, 2, STEPS / 2, STEPS + 1]) {
      assert.equal(ops[i].op.inputs![0].digest, ops[i - 1].digest);
    }
    assert.equal(definition!.def!.length, STEPS + 2);
  });

  test("a 100,000-step chain of mkdir steps joins into one file op without recursing", () => {
    const template = stateData(scratch().mkdir("/d")).output!.op as FileNode;
    const out = chainOf(null, template, STEPS, (n, prev, i) => ({
      ...n,
      base: prev,
      actions: [{ ...n.actions[0], path: `/d${i}` } as FileNode["actions"][number]],
    }));
    const { ops } = marshal(stateOn(out));
    assert.equal(ops.length, 2);
    const actions = ops[0].op.file!.actions!;
    assert.equal(actions.length, STEPS);
    assert.equal(actions[0].mkdir?.path, "/d0");
    assert.equal(actions.at(-1)!.mkdir?.path, `/d${STEPS - 1}`);
  });

  test("graphNodes() lists a 100,000-step chain, dependencies first", () => {
    const template = stateData(image("busybox").run("true")).output!.op as ExecNode;
    const out = chainOf(null, template, STEPS, (n, prev) => ({
      ...n,
      mounts: [{ kind: "bind", dest: "/", source: prev, readonly: false }],
    }));
    const nodes: OpNode[] = graphNodes(stateOn(out));
    assert.equal(nodes.length, STEPS);
    assert.equal(nodes.at(-1), out.op);
  });
});
