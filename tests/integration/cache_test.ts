// Build cache through the registry: a build on a second engine, with nothing
// cached locally, reuses what the first engine exported (its RUN step is
// reported CACHED). Engines that cannot export a cache type say so.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildTargets, image, type State } from "../../mod.ts";
import { dk20, dk26, dk26c, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { removeImage } from "../support/docker_api.ts";
import { listTags, registry } from "../support/registry.ts";

/** A RUN step no engine has seen, on the registry's busybox (the same image on every engine). */
function freshStep(id: string): State {
  return image(`${registry}/busybox:latest`).run(`echo ${id} > /id.txt`, { name: `make ${id}` });
}

/** Builds and returns whether the step named `make <id>` was cached. */
async function stepCached(
  engine: TestEngine,
  state: State,
  id: string,
  options: Parameters<typeof buildTargets>[1] = {},
  target: Parameters<typeof buildTargets>[0][string] = state,
): Promise<boolean> {
  let cached: boolean | undefined;
  await buildTargets({ t: target }, {
    ...options,
    host: engine.host,
    onStatus: (_t, s) => {
      for (const v of s.vertexes ?? []) {
        if (v.name === `make ${id}` && v.completed) cached = v.cached ?? false;
      }
    },
  });
  assert.notEqual(cached, undefined, "the step was reported");
  return cached!;
}

const skipReason = (a: TestEngine | undefined, b: TestEngine | undefined) =>
  !registry
    ? "DRYDOCK_REGISTRY is not configured"
    : skipWithout(a, "first engine") || skipWithout(b, "second engine");

describe("registry cache", () => {
  for (const mode of ["max", "min"] as const) {
    test(`mode=${mode} exported on Docker 26.1 (containerd) is reused on Docker 26.1 (overlay2)`, {
      skip: skipReason(dk26c, dk26),
    }, async () => {
      const id = unique(`cache-${mode}`);
      const ref = `${registry}/drydock-cache:${id}`;
      const state = freshStep(id);
      assert.equal(
        await stepCached(dk26c!, state, id, { cacheTo: [{ type: "registry", ref, mode }] }),
        false,
      );
      assert.deepEqual(await listTags(registry!, "drydock-cache").then((t) => t.includes(id)), true);
      // mode=min keeps only the final result, which is this step here: both modes hit.
      assert.equal(await stepCached(dk26!, state, id, { cacheFrom: [{ type: "registry", ref }] }), true);
    });
  }

  // Docker 20.10's BuildKit 0.8 computes other cache keys than 0.13, so it cannot reuse 0.13's cache.
  test("a target's own cacheFrom/cacheTo work too", {
    skip: skipReason(dk26c, dk26),
  }, async () => {
    const id = unique("cache-target");
    const ref = `${registry}/drydock-cache:${id}`;
    const state = freshStep(id);
    assert.equal(
      await stepCached(dk26c!, state, id, {}, { state, cacheTo: { type: "registry", ref, mode: "max" } }),
      false,
    );
    assert.equal(
      await stepCached(dk26!, state, id, {}, { state, cacheFrom: { type: "registry", ref } }),
      true,
    );
  });
});

describe("local cache", () => {
  test("a local cache directory written on Docker 26.1 (containerd) seeds Docker 26.1 (overlay2)", {
    skip: skipReason(dk26c, dk26),
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "drydock-localcache-"));
    try {
      const id = unique("cache-local");
      const state = freshStep(id);
      const cacheDir = join(dir, "cache");
      assert.equal(
        await stepCached(dk26c!, state, id, { cacheTo: [{ type: "local", dest: cacheDir, mode: "max" }] }),
        false,
      );
      const index = JSON.parse(readFileSync(join(cacheDir, "index.json"), "utf8"));
      const tagged = index.manifests.find((m: { annotations?: Record<string, string> }) =>
        m.annotations?.["org.opencontainers.image.ref.name"] === "latest"
      );
      assert.ok(tagged, JSON.stringify(index));
      assert.ok(
        existsSync(join(cacheDir, "blobs/sha256", tagged.digest.slice(7))),
        "the cache manifest is a blob",
      );
      assert.equal(
        await stepCached(dk26!, state, id, { cacheFrom: [{ type: "local", src: cacheDir }] }),
        true,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("importing a local cache that does not exist yet builds without it and says so", {
    skip: skipWithout(dk20, "dk20"),
  }, async () => {
    const r = await buildTargets({ t: image("busybox") }, {
      host: dk20!.host,
      cacheFrom: [{ type: "local", src: join(tmpdir(), unique("drydock-nocache")) }],
    });
    assert.match(
      r.t.notices.join("\n"),
      /no local cache tagged "latest" in .*drydock-nocache.*; building without it/,
    );
  });
});

describe("inline cache", () => {
  test("an image pushed with inline cache from Docker 26.1 (containerd) seeds Docker 26.1 (overlay2)", {
    skip: skipReason(dk26c, dk26),
  }, async () => {
    const id = unique("cache-inline");
    const name = `${registry}/drydock-inline:${id}`;
    const state = freshStep(id);
    try {
      assert.equal(
        await stepCached(dk26c!, state, id, { cacheTo: [{ type: "inline" }] }, {
          state,
          output: { type: "image", name, push: true },
        }),
        false,
      );
      assert.equal(
        await stepCached(dk26!, state, id, { cacheFrom: [{ type: "registry", ref: name }] }),
        true,
      );
    } finally {
      await removeImage(dk26c!.socket, name);
    }
  });
});

describe("cache exports an engine lacks", () => {
  for (const [engine, label] of [[dk26, "Docker 26.1, overlay2"], [dk20, "Docker 20.10"]] as const) {
    test(`local cache export is refused too (${label})`, { skip: skipWithout(engine, label) }, async () => {
      await assert.rejects(
        buildTargets({ t: image("busybox") }, {
          host: engine!.host,
          cacheTo: [{ type: "local", dest: "/tmp/x" }],
        }),
        /cache export type "local" is not supported by this engine/,
      );
    });

    test(`registry cache export is refused, naming the engines that can (${label})`, {
      skip: skipWithout(engine, label),
    }, async () => {
      await assert.rejects(
        buildTargets({ t: image("busybox") }, {
          host: engine!.host,
          cacheTo: [{ type: "registry", ref: "localhost:1/never" }],
        }),
        (e: Error & { code?: string }) =>
          e.code === "E_UNSUPPORTED_CACHE" &&
          /cache export type "registry" is not supported by this engine, Docker with a graphdriver/.test(
            e.message,
          ) &&
          /engines that can: a standalone buildkitd, Docker with the containerd image store/.test(e.message),
      );
    });
  }
});
