import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cache, type DrydockError, image } from "../../mod.ts";
import { stateOf } from "../dsl/sources.ts";
import { marshal } from "../llb/marshal.ts";
import * as pb from "../proto/pb.gen.ts";
import { findPersistedMounts, seedPersisted } from "./persisted_cache.ts";
import { saveState } from "./persist_save.ts";

const none = () => Promise.resolve(undefined);
const usesCache = (c: ReturnType<typeof cache>, cmd = "ls /c") =>
  image("busybox").run(cmd, { mounts: { "/c": c } });

test("`findPersistedMounts()` finds each persisted id once, with its first step and target", () => {
  const npm = cache("npm", { persist: { dir: "ci" } });
  const found = findPersistedMounts([
    { name: "app", states: [usesCache(npm), usesCache(cache("plain"))] },
    { name: "test", states: [usesCache(npm, "npm test")] },
  ]);
  assert.deepEqual(found.map((m) => [m.id, m.targetName, m.step.args.at(-1)]), [["npm", "app", "ls /c"]]);
});

test("`findPersistedMounts()`: one cache id persisted to two places is an error naming both lines", () => {
  const a = usesCache(cache("npm", { persist: { dir: "ci" } }));
  const b = usesCache(cache("npm", { persist: { image: "localhost:5000/c:npm" } }));
  assert.throws(() => findPersistedMounts([{ name: "app", states: [a, b] }]), (err: DrydockError) => {
    assert.match(
      err.message,
      /cache "npm" is persisted to ci\/npm\.tar at .*persisted_cache_test\.ts:\d+:\d+ and to/,
    );
    return true;
  });
});

test("`seedPersisted()` with a tar file: missing or corrupt starts empty with a warning; a good one unpacks", async () => {
  const dir = mkdtempSync(join(tmpdir(), "drydock-seed-"));
  try {
    const [m] = findPersistedMounts([{
      name: "app",
      states: [usesCache(cache("npm", { persist: { dir } }))],
    }]);
    const missing = await seedPersisted(m, { base: "/", credentials: none });
    assert.equal(missing.seed, null);
    assert.equal(missing.warning, "no persisted copy yet; the cache starts empty");

    writeFileSync(join(dir, "npm.tar"), "garbage".repeat(100));
    const corrupt = await seedPersisted(m, { base: "/", credentials: none });
    assert.equal(corrupt.seed, null);
    assert.match(corrupt.warning!, /unusable \(not a tar archive/);

    mkdirSync(join(dir, "tree"));
    writeFileSync(join(dir, "tree", "a.txt"), "a\n");
    execFileSync("tar", ["-cf", join(dir, "npm.tar"), "-C", join(dir, "tree"), "."]);
    const good = await seedPersisted(m, { base: "/", credentials: none });
    assert.equal(good.warning, undefined);
    assert.match(good.content!, /^sha256:[0-9a-f]{64}$/);
    const ops = marshal(stateOf(good.seed)).ops.map((o) => o.op);
    assert.match(ops.find((o) => o.source)!.source!.identifier!, /^local:\/\//);
    const copy = ops.find((o) => o.file)!.file!.actions![0].copy!;
    assert.deepEqual([copy.src, copy.dest, copy.attemptUnpackDockerCompatibility], ["/npm.tar", "/", true]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("`saveState()` copies the cache, seeded as in the build, into an empty output, a nonce in the command", () => {
  const [m] = findPersistedMounts([
    { name: "app", states: [usesCache(cache("npm", { sharing: "locked", persist: { dir: "ci" } }))] },
  ]);
  const r = marshal(saveState(m, "n0nce"), { cacheSeeds: new Map([["npm", null]]) });
  const exec = r.ops.find((o) => o.op.exec)!;
  assert.match(
    exec.op.exec!.meta!.args!.join(" "),
    /cp -a \/\.drydock-persist\/cache\/\. \/\.drydock-persist\/out\/ # n0nce$/,
  );
  const c = exec.op.exec!.mounts!.find((x) => x.mountType === pb.MountType.CACHE)!;
  assert.deepEqual(c.cacheOpt, { id: "npm", sharing: pb.CacheSharingOpt.LOCKED });
  // An ignore-cache step would get a fresh cache mount from the engine, not the build's.
  assert.equal(r.definition!.metadata![exec.digest].ignoreCache, undefined);
  assert.notEqual(
    marshal(saveState(m, "other")).ops.find((o) => o.op.exec)!.digest,
    exec.digest,
    "each save runs: the engine leaves cache ids out of cache keys",
  );
});
