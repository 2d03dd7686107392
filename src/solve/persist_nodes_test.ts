import { test } from "node:test";
import assert from "node:assert/strict";
import { cache, image, scratch } from "../../mod.ts";
import { parsePlatform } from "../core/platform.ts";
import type { State } from "../dsl/state.ts";
import type { NodePart } from "./multi_node.ts";
import { findPersistedMounts } from "./persisted_cache.ts";
import { saverOf } from "./persist_nodes.ts";
import type { ResolvedTarget } from "./targets.ts";

const npm = cache("npm", { persist: { dir: "ci" } });
const uses = (platform: string) =>
  image("busybox", { platform }).run("npm ci", { mounts: { "/root/.npm": npm } });

// One target over two platforms, each platform on its own node (as planParts splits it).
function parts(states: Record<string, State>): NodePart[] {
  const target = {
    name: "app",
    state: Object.values(states)[0],
    platformStates: Object.entries(states).map(([p, state]) => ({ platform: parsePlatform(p), state })),
  } as unknown as ResolvedTarget;
  return Object.keys(states).map((p, i) =>
    ({
      target,
      node: { node: { name: `node${i}` } },
      platforms: [p],
    }) as unknown as NodePart
  );
}

test("`saverOf()` saves a mount from the node of its first using step's platform", () => {
  const split = parts({ "linux/arm64": scratch().mkfile("/x", "x"), "linux/amd64": uses("linux/amd64") });
  const [mount] = findPersistedMounts([{
    name: "app",
    states: split[0].target.platformStates!.map((p) => p.state),
  }]);
  const { part, alsoUsedOn } = saverOf(split, mount);
  assert.equal(part.node.node.name, "node1");
  assert.deepEqual(alsoUsedOn, []);
});

test("`saverOf()`: of several nodes using one cache id, the first platform's saves; the others are named", () => {
  const split = parts({ "linux/arm64": uses("linux/arm64"), "linux/amd64": uses("linux/amd64") });
  const [mount] = findPersistedMounts([{
    name: "app",
    states: split[0].target.platformStates!.map((p) => p.state),
  }]);
  const { part, alsoUsedOn } = saverOf(split, mount);
  assert.equal(part.node.node.name, "node0");
  assert.deepEqual(alsoUsedOn, ["node1"]);
});
