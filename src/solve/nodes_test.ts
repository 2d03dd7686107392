import { test } from "node:test";
import assert from "node:assert/strict";
import { DrydockError } from "../core/errors.ts";
import { choosePlatformNodes, samePlatform, servingOf } from "./nodes.ts";
import { nodeLines, withNodeName } from "./multi_node.ts";

const x86 = { name: "x86", address: "tcp://x86:1234", native: ["linux/amd64"], emulated: ["linux/arm64"] };
const arm = { name: "arm", address: "tcp://arm:1234", native: ["linux/arm64"], emulated: [] };

test("each platform goes to the node that runs it natively, even when an earlier node emulates it", () => {
  const chosen = choosePlatformNodes([x86, arm], ["linux/amd64", "linux/arm64"]);
  assert.deepEqual(chosen.map((c) => [c.platform, c.node, c.emulated]), [
    ["linux/amd64", "x86", false],
    ["linux/arm64", "arm", false],
  ]);
  assert.deepEqual(chosen[1].alsoServedBy, ["x86"]);
});

test("with no native node the first that emulates the platform builds it, and says so", () => {
  const [c] = choosePlatformNodes([x86], ["linux/arm64"]);
  assert.deepEqual([c.node, c.emulated], ["x86", true]);
  assert.match(nodeLines([c])[0], /linux\/arm64 on x86 \(emulated: no node runs it natively\)/);
});

test("two nodes serving one platform: the first wins and the summary names the other", () => {
  const other = { ...x86, name: "x86b" };
  const chosen = choosePlatformNodes([x86, other], ["linux/amd64"]);
  assert.equal(chosen[0].node, "x86");
  assert.deepEqual(nodeLines(chosen), ["linux/amd64 on x86 (x86b serves it too; the first node wins)"]);
});

test("a platform no node serves is an error naming every node and its platforms, and the build.ts line", () => {
  const location = { file: "/w/build.ts", line: 7, column: 1 };
  assert.throws(
    () => choosePlatformNodes([x86, arm], ["linux/amd64", "linux/s390x"], location),
    (err: unknown) => {
      assert.ok(err instanceof DrydockError);
      assert.equal(err.code, "E_BUILDER");
      assert.equal(
        err.describe("/w"),
        "no node of the builder serves linux/s390x; its nodes serve: x86 (tcp://x86:1234): linux/amd64, " +
          "emulated linux/arm64; arm (tcp://arm:1234): linux/arm64 (build at build.ts:7:1)",
      );
      return true;
    },
  );
});

test("declared platforms are all native; reported ones are native for the first's architecture only", () => {
  assert.deepEqual(servingOf("a", "x", ["linux/arm64"], [{ os: "linux", architecture: "amd64" }]).native, [
    "linux/arm64",
  ]);
  const reported = servingOf("b", "x", [], [
    { os: "linux", architecture: "amd64" },
    { os: "linux", architecture: "amd64", variant: "v2" },
    { os: "linux", architecture: "arm64" },
    { os: "linux", architecture: "amd64" },
  ]);
  assert.deepEqual(reported.native, ["linux/amd64", "linux/amd64/v2"]);
  assert.deepEqual(reported.emulated, ["linux/arm64"]);
});

test("linux/arm64 and linux/arm64/v8 are one platform; arm/v7 and arm/v6 are two", () => {
  assert.ok(samePlatform("linux/arm64", "linux/arm64/v8"));
  assert.ok(!samePlatform("linux/arm/v7", "linux/arm/v6"));
  assert.ok(!samePlatform("linux/amd64", "linux/arm64"));
});

test("progress names the node of each step", () => {
  const s = withNodeName(
    { vertexes: [{ digest: "sha256:a", name: "[app 1/2] RUN make" }, { digest: "b" }] },
    "arm",
  );
  assert.deepEqual(s.vertexes?.map((v) => v.name), ["[arm] [app 1/2] RUN make", undefined]);
});
