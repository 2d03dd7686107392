// A builder of two nodes from the suite's engines: dk26c declared linux/amd64 (runs a step) and dk28 declared
// linux/arm64 (file operations only: no emulator needed). One index is pushed over both platforms' images.
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { build, type BuildContext, cache, DrydockError, image, type Platform, scratch } from "../../mod.ts";
import process from "node:process";
import { dk26, dk26c, dk28, unique } from "../support/engines.ts";
import { dockerApi } from "../support/docker_api.ts";
import { buildHistory, processesWith } from "../support/engine_probe.ts";
import { fetchBlobJson, fetchManifest, registry } from "../support/registry.ts";
import { runBuildFile } from "../support/runtime.ts";
import { authRegistry } from "../support/auth_registry.ts";

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

test("--builder NAME of a buildx builder with two nodes builds each platform on its node (--print says which)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "drydock-buildx-two-"));
  mkdirSync(join(dir, "instances"));
  writeFileSync(
    join(dir, "instances", "two"),
    JSON.stringify({
      Name: "two",
      Driver: "remote",
      Nodes: [
        {
          Name: "x86",
          Endpoint: "unix:///nowhere/x86.sock",
          Platforms: [{ os: "linux", architecture: "amd64" }],
        },
        {
          Name: "arm",
          Endpoint: "unix:///nowhere/arm.sock",
          Platforms: [{ os: "linux", architecture: "arm64" }],
        },
      ],
    }),
  );
  try {
    const r = await runBuildFile(NODES_BUILD, ["--print", "--builder", "two"], { BUILDX_CONFIG: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /app: linux\/amd64 on x86\n[^]*app: linux\/arm64 on arm\n/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("a bad builder option names the option and the build.ts line, before any engine is reached", async () => {
  const err = await build({ app: scratch() }, {
    cli: false,
    builder: { nodes: [{ address: "unix:///nowhere.sock", platforms: ["arm64"] }] },
  }).then(() => undefined, (e) => e);
  assert.ok(err instanceof DrydockError, String(err));
  assert.match(
    err.message,
    /option "options\.builder\.nodes\.0\.platforms\.0" must look like "linux\/amd64"/,
  );
  assert.match(err.message, /multi_node_test\.ts:\d+/);
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

  test("a persisted cache mount is saved from the node whose step used it; unchanged, nothing is pushed", async () => {
    const id = unique("drydock-nodes-persist");
    const ref = `${registry}/drydock-persist/${id}:c`;
    // Writes once: the second build finds the seeded file and leaves the cache as it was.
    const app = (p: Platform) =>
      p.architecture === "arm64" ? scratch().mkfile("/built", "arm64\n") : image("busybox").run(
        `[ -f /c/a ] || echo ${id} > /c/a`,
        { mounts: { "/c": cache(id, { persist: { image: ref } }) } },
      );
    const run = () =>
      build({ app: { state: app, platforms: ["linux/amd64", "linux/arm64"] } }, {
        cli: false,
        builder: { nodes: nodes() },
        onNotice: () => {},
      });
    const first = (await run()).app.persisted?.[0];
    assert.equal(first?.outcome, "saved");
    assert.deepEqual(first?.node, { name: "dk26c", alsoUsedOn: [] });
    const pushed = await fetchManifest(registry!, `drydock-persist/${id}`, "c");
    assert.equal(pushed.status, 200);
    assert.equal(pushed.body.annotations?.["dev.drydock.persist.content"], first?.content);
    const second = (await run()).app.persisted?.[0];
    assert.equal(second?.seeded, true);
    assert.equal(second?.outcome, "unchanged");
    assert.equal(second?.content, first?.content);
    assert.equal((await fetchManifest(registry!, `drydock-persist/${id}`, "c")).digest, pushed.digest);
  });

  test("a failure on one node cancels the other node's build", async () => {
    const nonce = unique("drydock-nodes-cancel");
    // amd64 sleeps on dk26c for two minutes; arm64 (a dynamic target) fails on dk28 once that step runs.
    let running!: () => void;
    const sleeping = new Promise<void>((resolve) => running = resolve);
    const app = async (ctx: BuildContext) => {
      if (ctx.architecture === "amd64") return image("busybox").run(`echo ${nonce}; sleep 120`);
      await sleeping;
      return scratch().copy(scratch(), "/missing", "/x");
    };
    const refs: string[] = [];
    const err = await build({ app: { state: app, platforms: ["linux/amd64", "linux/arm64"] } }, {
      cli: false,
      builder: { nodes: nodes() },
      onStart: (_t, ref) => refs.push(ref),
      onStatus: (_t, s) => {
        if (s.vertexes?.some((v) => v.started && v.name?.startsWith("[dk26c]") && v.name.includes(nonce))) {
          running();
        }
      },
    }).then(() => undefined, (e) => e);
    assert.ok(err instanceof DrydockError, String(err));
    assert.match(err.message, /missing/);
    // dk26c's own record of its build: ended with its error (polled until it has one: the engine can list a
    // finished record before its error), cancelled; its step's process is gone.
    let record: { error?: string } | undefined;
    for (let i = 0; i < 50 && !record?.error; i++) {
      const history = await buildHistory(dk26c!);
      record = refs.map((r) => history.finished.get(r)).find(Boolean);
      if (!record?.error) await new Promise((r) => setTimeout(r, 200));
    }
    assert.match(record?.error ?? "", /cancel/i, JSON.stringify({ refs, record }));
    assert.deepEqual(processesWith(`echo ${nonce}`), []);
  });

  test(
    "load and push at once: one image in Docker's containerd store (dk28), one index in a registry with a login",
    {
      skip: !authRegistry && "DRYDOCK_AUTH_REGISTRY is not configured",
    },
    async () => {
      const { host, username, password } = authRegistry!;
      const repo = unique("drydock-nodes-load");
      const name = `${host}/${repo}:v1`;
      const app = (p: Platform) =>
        p.architecture === "arm64"
          ? scratch().mkfile("/built", `${repo} arm64\n`)
          : image("busybox").run(`echo ${repo} > /built`);
      const r = await build({ app: { state: app, platforms: ["linux/amd64", "linux/arm64"], image: name } }, {
        cli: false,
        load: true,
        push: true,
        registryAuth: { [host]: { username, password } },
        env: { ...process.env, DOCKER_HOST: `unix://${dk28!.socket}`, DOCKER_CONTEXT: undefined },
        builder: { nodes: nodes() },
      });
      assert.deepEqual(r.app.loaded, [name]);
      const res = await dockerApi(dk28!.socket, "/v1.48/images/json?manifests=1");
      const listed = (res.body as {
        RepoTags?: string[];
        Manifests?: {
          Available: boolean;
          Kind: string;
          Descriptor: { platform?: { architecture: string } };
        }[];
      }[]).find((i) => i.RepoTags?.includes(name));
      const available = (listed?.Manifests ?? []).filter((m) => m.Kind === "image" && m.Available);
      assert.deepEqual(available.map((m) => m.Descriptor.platform?.architecture).sort(), ["amd64", "arm64"]);
      await dockerApi(dk28!.socket, `/images/${name}`, "DELETE");
      const index = await fetchManifest(host, repo, "v1", { username, password });
      assert.equal(index.digest, r.app.exporterResponse["containerimage.digest"]);
      assert.deepEqual((index.body.manifests ?? []).map((m) => m.platform?.architecture).sort(), [
        "amd64",
        "arm64",
      ]);
    },
  );

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
