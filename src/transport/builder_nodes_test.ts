import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DrydockError } from "../core/errors.ts";
import { buildxBuilderNodes, parseNodeFlag, resolveNodes } from "./builder_nodes.ts";

test("--node takes an address then key=value words", () => {
  assert.deepEqual(parseNodeFlag("tcp://arm:1234 platforms=linux/arm64,linux/arm/v7 name=arm"), {
    address: "tcp://arm:1234",
    platforms: ["linux/arm64", "linux/arm/v7"],
    name: "arm",
  });
  assert.deepEqual(parseNodeFlag("docker+unix:///run/docker.sock"), {
    address: "docker+unix:///run/docker.sock",
  });
});

test("--node refuses a bad platform or an unknown key, naming it", () => {
  assert.throws(() => parseNodeFlag("tcp://a:1 platforms=arm64"), /platform "arm64" must look like/);
  assert.throws(() => parseNodeFlag("tcp://a:1 color=red"), /unknown key "color"/);
  assert.throws(() => parseNodeFlag("platforms=linux/amd64"), /start with the engine's address/);
});

test("nodes are named after their socket file or host:port, and names stay unique", () => {
  const nodes = resolveNodes({}, [
    { address: "unix:///run/arm.sock" },
    { address: "docker+tcp://10.0.0.5:2376" },
    { address: "unix:///other/arm.sock" },
  ], "builder");
  assert.deepEqual(nodes.map((n) => n.name), ["arm", "10.0.0.5:2376", "arm#3"]);
  assert.deepEqual(nodes.map((n) => n.address.engine), ["buildkitd", "docker", "buildkitd"]);
});

function buildxConfig(driver: string, nodes: object[]): string {
  const dir = mkdtempSync(join(tmpdir(), "drydock-buildx-nodes-"));
  mkdirSync(join(dir, "instances"));
  writeFileSync(join(dir, "instances", "two"), JSON.stringify({ Name: "two", Driver: driver, Nodes: nodes }));
  return dir;
}

test("every node of a buildx builder is read, with the platforms it was created with", () => {
  const dir = buildxConfig("remote", [
    { Name: "two0", Endpoint: "tcp://arm:1234", Platforms: [{ os: "linux", architecture: "arm64" }] },
    { Name: "two1", Endpoint: "tcp://x86:1234", Platforms: null },
  ]);
  try {
    const nodes = buildxBuilderNodes({ BUILDX_CONFIG: dir }, "two");
    assert.deepEqual(nodes?.map((n) => [n.name, n.address.text, n.platforms]), [
      ["two0", "tcp://arm:1234", ["linux/arm64"]],
      ["two1", "tcp://x86:1234", []],
    ]);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("a docker-container or kubernetes builder is refused, naming the driver and what to use instead", () => {
  for (const driver of ["docker-container", "kubernetes"]) {
    const dir = buildxConfig(driver, [{ Name: "two0", Endpoint: "unix:///var/run/docker.sock" }]);
    try {
      assert.throws(() => buildxBuilderNodes({ BUILDX_CONFIG: dir }, "two"), (err: unknown) => {
        assert.ok(err instanceof DrydockError);
        assert.match(err.message, new RegExp(`uses the ${driver} driver: .*(docker exec|kubectl)`));
        assert.match(err.message, /--driver remote tcp:\/\/HOST:1234/);
        return true;
      });
    } finally {
      rmSync(dir, { recursive: true });
    }
  }
});
