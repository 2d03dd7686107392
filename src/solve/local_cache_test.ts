import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalContentStore } from "../session/content_store.ts";
import { planLocalCache } from "./local_cache.ts";

const desc = (c: string) => ({
  mediaType: "application/vnd.oci.image.index.v1+json",
  digest: `sha256:${c.repeat(64)}`,
  size: 10,
});

describe("planLocalCache()", () => {
  test("imports take the tagged digest; missing caches are skipped with a notice", () => {
    const dir = mkdtempSync(join(tmpdir(), "drydock-lc-"));
    try {
      new LocalContentStore(join(dir, "have")).tag("v1", desc("a"));
      const plan = planLocalCache([
        { type: "local", src: join(dir, "have"), tag: "v1" },
        { type: "local", src: join(dir, "none") },
        { type: "registry", ref: "r/a:c" },
      ], []);
      assert.deepEqual(plan.imports, [
        { type: "local", src: join(dir, "have"), digest: desc("a").digest },
        { type: "registry", ref: "r/a:c" },
      ]);
      assert.deepEqual([...plan.stores.keys()], [`local:${join(dir, "have")}`]);
      assert.match(plan.notices[0], /no local cache tagged "latest" in .*none yet; building without it/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("exports serve a store and tag the cache manifest afterwards", () => {
    const dir = mkdtempSync(join(tmpdir(), "drydock-lc-"));
    try {
      const plan = planLocalCache([], [{ type: "local", dest: dir, tag: "main" }]);
      assert.deepEqual([...plan.stores.keys()], [`local:${dir}`]);
      plan.finish({ "cache.manifest": JSON.stringify(desc("b")) });
      const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8"));
      assert.equal(index.manifests[0].digest, desc("b").digest);
      assert.equal(index.manifests[0].annotations["org.opencontainers.image.ref.name"], "main");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
