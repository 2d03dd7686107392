// A builder of two nodes from the suite's engines: dk26c declared linux/amd64 (runs a step) and dk28 declared
// linux/arm64 (file operations only: no emulator needed). One index is pushed over both platforms' images.
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { build, DrydockError, image, type Platform, scratch } from "../../mod.ts";
import process from "node:process";
import { dk26, dk26c, dk28, unique } from "../support/engines.ts";
import { dockerApi } from "../support/docker_api.ts";
import { fetchBlobJson, fetchManifest, registry } from "../support/registry.ts";
import { runBuildFile } from "../support/runtime.ts";

const NODES_BUILD = fileURLToPath(new URL("../fixtures/cli/nodes_build.ts", import.meta.url));

// No engine: --print says which node builds each platform from the declared platforms alone.
test("--print names the node of each platform; of two nodes serving one, the first wins", async () => {
  const r = await runBuildFile(NODES_BUILD, [
    "--print",
    "--node",
    "unix:///nowhere/a.sock platforms=linux/amd64 name=first",
    "--node",
    "unix:///nowhere/b.sock platforms=linux/amd64,linux/arm64 name=second",
  ], {});
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /app: linux\/amd64 on first \(second serves it too; the first node wins\)/);
  assert.match(r.stderr, /app: linux\/arm64 on second\n/);
  const bad = await runBuildFile(NODES_BUILD, ["--print", "--node", "unix:///a.sock platforms=arm64"], {});
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /--node "unix:\/\/\/a.sock platforms=arm64": platform "arm64" must look like/);
});

const skip = !dk26c || !dk28
  ? "dk26c and dk28 are not configured (run tests/engines/up.sh and source engines.env)"
  : !registry
  ? "DRYDOCK_REGISTRY is not configured"
  : false;
const nodes = () => [
  { address: dk26c!.host, platforms: ["linux/amd64"] },
  { address: dk28!.host, platforms: ["linux/arm64"] },
];

describe("multi-node builder (dk26c amd64 + dk28 arm64)", { skip }, () => {
  test("each platform is built on its node and one index is pushed over both", async () => {
    const repo = unique("drydock-nodes");
    // The nonce keeps the engine's cache from answering with an earlier run's step.
    const app = (p: Platform) =>
      p.architecture === "arm64"
        ? scratch().mkfile("/built", `${repo} arm64 by file ops\n`).config({ cmd: ["/built"] })
        : image("busybox").run(`echo ${repo} amd64 by a step > /built`).config({ cmd: ["/built"] });
    const stepsByNode = new Map<string, string[]>();
    const results = await build({
      app: { state: app, platforms: ["linux/amd64", "linux/arm64"], image: `${registry}/${repo}:v1` },
    }, {
      cli: false,
      push: true,
      builder: { nodes: nodes() },
      onStatus: (_t, s) => {
        for (const v of s.vertexes ?? []) {
          const m = /^\[(dk26c|dk28)\] (.*)$/.exec(v.name ?? "");
          if (m) stepsByNode.set(m[1], [...(stepsByNode.get(m[1]) ?? []), m[2]]);
        }
      },
    });
    assert.deepEqual(
      results.app.nodes?.map((n) => `${n.platform} ${n.node}`),
      ["linux/amd64 dk26c", "linux/arm64 dk28"],
    );
    // The engines' own progress says where each step ran: the RUN on dk26c, the file op on dk28.
    assert.ok(
      stepsByNode.get("dk26c")?.some((s) => s.includes(`echo ${repo}`)),
      JSON.stringify([...stepsByNode]),
    );
    assert.ok(stepsByNode.get("dk28")?.some((s) => /mkfile/i.test(s)), JSON.stringify([...stepsByNode]));
    assert.ok(!stepsByNode.get("dk28")?.some((s) => s.includes(`echo ${repo}`)));

    const index = await fetchManifest(registry!, repo, "v1");
    assert.equal(index.status, 200);
    assert.equal(index.digest, results.app.exporterResponse["containerimage.digest"]);
    const listed = (index.body.manifests ?? []).filter((m) => m.platform?.os !== "unknown");
    assert.deepEqual(listed.map((m) => `${m.platform?.os}/${m.platform?.architecture}`).sort(), [
      "linux/amd64",
      "linux/arm64",
    ]);
    for (const m of listed) {
      const manifest = await fetchManifest(registry!, repo, m.digest);
      const config = await fetchBlobJson(registry!, repo, manifest.body.config!.digest) as {
        architecture: string;
        os: string;
      };
      assert.equal(`${config.os}/${config.architecture}`, `${m.platform?.os}/${m.platform?.architecture}`);
    }
  });

  test("load: the nodes' platforms are joined into one image in Docker's containerd store (dk28)", async () => {
    const name = unique("drydock-nodes-load");
    const app = (p: Platform) =>
      p.architecture === "arm64"
        ? scratch().mkfile("/built", `${name} arm64\n`)
        : image("busybox").run(`echo ${name} > /built`);
    const r = await build({
      app: { state: app, platforms: ["linux/amd64", "linux/arm64"], image: `${name}:v1` },
    }, {
      cli: false,
      load: true,
      env: { ...process.env, DOCKER_HOST: `unix://${dk28!.socket}`, DOCKER_CONTEXT: undefined },
      builder: { nodes: nodes() },
    });
    assert.deepEqual(r.app.loaded, [`${name}:v1`]);
    const res = await dockerApi(dk28!.socket, "/v1.48/images/json?manifests=1");
    const listed = (res.body as {
      RepoTags?: string[];
      Manifests?: { Available: boolean; Kind: string; Descriptor: { platform?: { architecture: string } } }[];
    }[]).find((i) => i.RepoTags?.includes(`${name}:v1`));
    const available = (listed?.Manifests ?? []).filter((m) => m.Kind === "image" && m.Available);
    assert.deepEqual(available.map((m) => m.Descriptor.platform?.architecture).sort(), ["amd64", "arm64"]);
    await dockerApi(dk28!.socket, `/images/${name}:v1`, "DELETE");
  });

  test("load into a graphdriver Docker is refused before anything runs, saying why", {
    skip: !dk26 && "dk26 is not configured",
  }, async () => {
    const err = await build({
      app: { state: () => scratch(), platforms: ["linux/amd64", "linux/arm64"], image: "x:1" },
    }, {
      cli: false,
      load: true,
      env: { ...process.env, DOCKER_HOST: `unix://${dk26!.socket}`, DOCKER_CONTEXT: undefined },
      builder: { nodes: nodes() },
    }).then(() => undefined, (e) => e);
    assert.ok(err instanceof DrydockError, String(err));
    assert.match(err.message, /graphdriver image store \(overlay2\), which keeps one platform per image/);
  });

  test("a node that does not answer fails before anything runs, naming it and the build.ts line", async () => {
    const err = await build({ app: { state: () => scratch(), platforms: ["linux/amd64", "linux/arm64"] } }, {
      cli: false,
      connectTimeoutMs: 500,
      builder: {
        nodes: [nodes()[0], { address: "tcp://127.0.0.1:9", platforms: ["linux/arm64"], name: "gone" }],
      },
    }).then(() => undefined, (e) => e);
    assert.ok(err instanceof DrydockError, String(err));
    assert.equal(err.code, "E_BUILDER");
    assert.match(err.message, /builder node gone \(tcp:\/\/127\.0\.0\.1:9\) did not answer/);
    assert.match(err.message, /multi_node_test\.ts:\d+/);
  });

  test("a platform no node serves fails before anything runs, naming the nodes and their platforms", async () => {
    const err = await build({ app: { state: () => scratch(), platforms: ["linux/amd64", "linux/s390x"] } }, {
      cli: false,
      builder: { nodes: nodes() },
    }).then(() => undefined, (e) => e);
    assert.ok(err instanceof DrydockError, String(err));
    assert.equal(err.code, "E_BUILDER");
    assert.match(err.message, /no node of the builder serves linux\/s390x/);
    assert.match(err.message, /dk26c \([^)]*\): linux\/amd64; dk28 \([^)]*\): linux\/arm64/);
    assert.match(err.message, /multi_node_test\.ts:\d+/);
  });
});
