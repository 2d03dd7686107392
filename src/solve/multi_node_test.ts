import { test } from "node:test";
import assert from "node:assert/strict";
import { parsePlatform } from "../core/platform.ts";
import { scratch } from "../dsl/sources.ts";
import type { Transport } from "../transport/transport.ts";
import { planParts, type ReachedNode } from "./multi_node.ts";
import type { BuildOutput } from "./outputs.ts";
import type { ResolvedTarget } from "./targets.ts";

function node(
  name: string,
  platform: string,
  kind: ReachedNode["features"]["kind"] = "buildkitd",
): ReachedNode {
  const address = { engine: "buildkitd" as const, socket: { kind: "unix" as const, path: `/${name}.sock` } };
  return {
    node: {
      name,
      address: { ...address, text: `unix:///${name}.sock`, origin: "test" },
      platforms: [platform],
    },
    transport: {} as Transport, // planning reaches no engine
    features: { kind, multipleExporters: true },
    serving: { name, address: `unix:///${name}.sock`, native: [platform], emulated: [] },
  };
}

function target(outputs: BuildOutput[], extra: Partial<ResolvedTarget> = {}): ResolvedTarget {
  const state = scratch();
  return {
    name: "app",
    state,
    platformStates: ["linux/amd64", "linux/arm64"].map((p) => ({ platform: parsePlatform(p), state })),
    outputs,
    cacheFrom: [],
    cacheTo: [],
    ...extra,
  };
}

const nodes = [node("x86", "linux/amd64"), node("arm", "linux/arm64")];

test("a pushed image is split into pushes by digest to each name's repository, one part per node", () => {
  const { parts } = planParts([
    target([{ type: "image", name: ["r.io/app:1", "r.io/app:latest"], push: true }]),
  ], nodes);
  assert.deepEqual(parts.map((p) => [p.node.node.name, p.platforms]), [["x86", ["linux/amd64"]], ["arm", [
    "linux/arm64",
  ]]]);
  assert.deepEqual(parts[0].outputs, [{
    type: "image",
    name: ["r.io/app"],
    push: true,
    pushByDigest: true,
    store: false,
  }]);
});

test("a local output gets a folder per platform; registry cache refs a platform suffix per node", () => {
  const { parts } = planParts([
    target([{ type: "local", dest: "/out" }], {
      cacheTo: [{ type: "registry", ref: "r.io/app:cache" }],
      cacheFrom: [{ type: "registry", ref: "r.io/app" }],
    }),
  ], nodes);
  assert.deepEqual(parts.map((p) => p.outputs[0]), [
    { type: "local", dest: "/out/linux_amd64" },
    { type: "local", dest: "/out/linux_arm64" },
  ]);
  assert.deepEqual(parts.map((p) => p.cacheTo[0]), [
    { type: "registry", ref: "r.io/app:cache-linux-amd64" },
    { type: "registry", ref: "r.io/app:cache-linux-arm64" },
  ]);
  assert.deepEqual(parts.map((p) => (p.cacheFrom[0] as { ref: string }).ref), [
    "r.io/app:linux-amd64",
    "r.io/app:linux-arm64",
  ]);
});

test("outputs several nodes cannot make together are refused before anything runs, saying why", () => {
  const plan = (o: BuildOutput, n = nodes) => () => planParts([target([o])], n);
  assert.throws(
    plan({ type: "image", name: "app:1" }),
    /assembled in a registry \(push: true, --push\) or in Docker.s containerd image store/,
  );
  assert.throws(plan({ type: "tar", dest: "/x.tar" }), /"tar" archive built on several nodes/);
  assert.throws(
    plan({ type: "image", name: "r.io/app:1", push: true }, [
      nodes[0],
      node("old", "linux/arm64", "docker-graphdriver"),
    ]),
    /node old is Docker with a graphdriver image store, which cannot push by digest/,
  );
});

test("load: each node writes an OCI archive to be joined; with push the digest pushes stay", () => {
  const { parts } = planParts(
    [target([{ type: "image", name: "r.io/app:1", load: true, push: true }])],
    nodes,
    undefined,
    "/scratch",
  );
  assert.deepEqual(parts.map((p) => p.loadArchive), ["/scratch/0.oci.tar", "/scratch/1.oci.tar"]);
  assert.deepEqual(parts[1].outputs, [
    { type: "oci", dest: "/scratch/1.oci.tar" },
    { type: "image", name: ["r.io/app"], push: true, pushByDigest: true, store: false },
  ]);
});

test("a target whose platforms all go to one node is a plain build there", () => {
  const { parts } = planParts(
    [target([{ type: "tar", dest: "/x.tar" }])],
    [node("both", "linux/amd64"), nodes[1]].map(
      (n, i) => i === 0 ? { ...n, serving: { ...n.serving, native: ["linux/amd64", "linux/arm64"] } } : n,
    ),
  );
  assert.equal(parts.length, 1);
  assert.deepEqual(parts[0].outputs, [{ type: "tar", dest: "/x.tar" }]);
});
