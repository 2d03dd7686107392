import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { context, diff, dockerfile, image, local, merge, scratch } from "../../mod.ts";
import type { FrontendNode } from "../dsl/graph.ts";
import { stateData } from "../dsl/state.ts";
import { declaredContexts, frontendInputs, graphNodes } from "./graph_walk.ts";

describe("graphNodes()", () => {
  test("every node once, dependencies first, through merge, diff, frontends and mounts", () => {
    const base = image("busybox");
    const ctx = local("/ctx");
    const state = merge([
      base.run("make", { mounts: { "/src": ctx } }),
      diff(base, base.run("touch /x")),
      dockerfile(ctx),
    ]);
    const nodes = graphNodes(state);
    assert.equal(new Set(nodes).size, nodes.length);
    const kinds = nodes.map((n) => n.kind);
    // busybox, the mounted directory, the same directory as the Dockerfile's context (which reads
    // Dockerfile.dockerignore first), and the Dockerfile sent on its own
    assert.deepEqual(kinds.filter((k) => k === "source").length, 4);
    assert.equal(kinds.at(-1), "merge");
    for (const [i, n] of nodes.entries()) {
      const deps = n.kind === "merge" ? n.inputs : n.kind === "diff" ? [n.lower, n.upper] : [];
      for (const d of deps) if (d) assert.ok(nodes.indexOf(d.op) < i);
    }
    assert.ok(nodes.some((n) => n.kind === "frontend"));
  });

  test("the empty filesystem has no nodes", () => {
    assert.deepEqual(graphNodes(scratch()), []);
  });
});

test("`frontendInputs()`: a replaced named context reaches the frontend as an image or an input state", () => {
  const node = stateData(
    dockerfile(local("."), { contexts: { base: local("b"), tools: "docker-image://x" } }),
  )
    .output!.op as FrontendNode;
  const replaced = frontendInputs(node, new Map([["base", image("busybox")], ["tools", local("t")]]));
  assert.equal(replaced.attrs["context:base"], "docker-image://docker.io/library/busybox:latest");
  assert.equal("named-context:base" in replaced.inputs, false);
  assert.equal(replaced.attrs["context:tools"], "input:named-context:tools");
  assert.equal(replaced.inputs["named-context:tools"]?.op.kind, "source");
  assert.equal(frontendInputs(node, new Map([["other", image("busybox")]])), node);
});

test("`declaredContexts()`: context() names and dockerfile() named contexts, sorted", () => {
  const legacy = dockerfile(local("."), { contexts: { base: local("b") } });
  assert.deepEqual(declaredContexts([legacy.copy(context("src", scratch()), "/", "/s")]), ["base", "src"]);
  assert.deepEqual(declaredContexts([image("busybox")]), []);
});
