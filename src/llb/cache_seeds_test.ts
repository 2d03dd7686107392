import { test } from "node:test";
import assert from "node:assert/strict";
import { cache, image } from "../../mod.ts";
import { stateData } from "../dsl/state.ts";
import { marshal } from "./marshal.ts";
import * as pb from "../proto/pb.gen.ts";

const persisted = cache("npm", { persist: { image: "localhost:5000/app-cache:npm" } });
const step = image("busybox").run("npm ci", { mounts: { "/root/.npm": persisted } });
const seed = stateData(image(`localhost:5000/app-cache@sha256:${"1".repeat(64)}`)).output;

function cacheMountOf(r: ReturnType<typeof marshal>) {
  const op = r.ops.findLast((o) => o.op.exec)!.op;
  return { op, mount: op.exec!.mounts!.find((m) => m.mountType === pb.MountType.CACHE)! };
}

test("a persisted cache mount's seed is its source: the cache is keyed on the seed's digest", () => {
  const r = marshal(step, { cacheSeeds: new Map([["npm", seed]]) });
  const { op, mount } = cacheMountOf(r);
  const input = op.inputs![Number(mount.input)];
  const source = r.ops.find((o) => o.digest === input.digest)!.op.source;
  assert.equal(source?.identifier, `docker-image://localhost:5000/app-cache@sha256:${"1".repeat(64)}`);
  assert.deepEqual(mount.cacheOpt, { id: "npm", sharing: pb.CacheSharingOpt.SHARED });
});

test("without a seed (none found, --no-persist, or no solve) the persisted cache starts empty", () => {
  for (const cacheSeeds of [undefined, new Map([["npm", null]])]) {
    const { mount } = cacheMountOf(marshal(step, { cacheSeeds }));
    assert.equal(mount.input, -1n);
  }
  // The same bytes as a cache that is not persisted: an engine's own cache stays as it was.
  const plain = image("busybox").run("npm ci", { mounts: { "/root/.npm": cache("npm") } });
  assert.deepEqual(marshal(step).ops.map((o) => o.digest), marshal(plain).ops.map((o) => o.digest));
});

test("a changed seed changes the step's digest; the same seed gives the same one", () => {
  const other = stateData(image(`localhost:5000/app-cache@sha256:${"2".repeat(64)}`)).output;
  const digest = (s: typeof seed) => marshal(step, { cacheSeeds: new Map([["npm", s]]) }).ops.at(-2)!.digest;
  assert.equal(digest(seed), digest(seed));
  assert.notEqual(digest(seed), digest(other));
});
