// cache(id, { persist }): a cache mount saved from one engine and seeded on another, through the
// test registry and through a tar file; an unchanged mount saves nothing; a missing or corrupt copy
// starts empty with a warning; a registry that refuses the copy fails the build, naming the mount.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { buildTargets, cache, image, scratch } from "../../mod.ts";
import type { PersistOption } from "../../src/dsl/persist.ts";
import type { TargetResult } from "../../src/solve/build.ts";
import type { DrydockError } from "../../src/core/errors.ts";
import { dk20, dk26c, dk28, type TestEngine, unique } from "../support/engines.ts";
import { fetchManifest, registry } from "../support/registry.ts";
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";

const other = dk28 ?? dk20;

/** Runs `script` with the persisted cache at /c; returns the result, the files in /r and the warnings. */
async function withCache(engine: TestEngine, id: string, persist: PersistOption, script: string) {
  const dir = mkdtempSync(join(tmpdir(), "drydock-persist-"));
  const notices: string[] = [];
  // Whether the step ran (false) or the engine answered from its cache (true).
  let cached: boolean | undefined;
  const step = image("busybox").run(script, { mounts: { "/c": cache(id, { persist }), "/r": scratch() } });
  try {
    const results = await buildTargets(
      { app: { state: step.mount("/r"), output: { type: "local", dest: dir } } },
      {
        host: engine.host,
        onNotice: (_t, m) => notices.push(m),
        onStatus: (_t, st) => {
          for (const v of st.vertexes ?? []) if (v.completed && v.name?.includes(script)) cached = v.cached;
        },
        env: { ...process.env },
      },
    );
    const files = Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), "utf8")]));
    return { result: results.app as TargetResult, read: (f: string) => files[f], notices, cached };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const skipCross = !dk26c || !other || !registry ? "needs dk26c, dk28 or dk20, and DRYDOCK_REGISTRY" : false;

describe("persisted cache mounts", () => {
  test("saved from one engine to the registry, seeded on another; an unchanged save pushes nothing", {
    skip: skipCross,
  }, async () => {
    const id = unique("persist-npm");
    const nonce = unique("nonce");
    const ref = `${registry}/drydock-persist/${id}:npm`;
    const first = await withCache(
      dk26c!,
      id,
      { image: ref },
      `mkdir -p /c/pkgs && echo ${nonce} > /c/pkgs/a.txt && ls /c/pkgs > /r/ls`,
    );
    assert.match(first.notices.join("\n"), /no persisted copy yet; the cache starts empty/);
    const saved = first.result.persisted?.[0];
    assert.equal(saved?.outcome, "saved");
    assert.equal(saved?.seeded, false);
    const pushed = await fetchManifest(registry!, `drydock-persist/${id}`, "npm");
    assert.equal(pushed.status, 200);
    assert.equal(pushed.body.annotations?.["dev.drydock.persist.content"], saved?.content);

    const reader = `cat /c/pkgs/a.txt > /r/found # ${unique("n")}`;
    const second = await withCache(other!, id, { image: ref }, reader);
    assert.equal(second.read("found"), `${nonce}\n`, "the other engine's step finds the files");
    assert.equal(second.cached, false);
    assert.deepEqual(second.notices, []);
    assert.equal(second.result.persisted?.[0].seeded, true);
    assert.equal(second.result.persisted?.[0].outcome, "unchanged");
    const after = await fetchManifest(registry!, `drydock-persist/${id}`, "npm");
    assert.equal(after.digest, pushed.digest, "nothing was pushed");
    // A warm engine with the same copy: the step is keyed on the copy's digest, so nothing runs again.
    const warm = await withCache(other!, id, { image: ref }, reader);
    assert.equal(warm.cached, true, "the unchanged seed re-runs nothing");
    assert.equal(warm.read("found"), `${nonce}\n`);
  });

  test("a corrupt registry copy starts the cache empty, with a warning", {
    skip: !dk26c || !registry ? "needs dk26c and DRYDOCK_REGISTRY" : false,
  }, async () => {
    const id = unique("persist-bad");
    await pushBroken(`drydock-persist/${id}`, "npm");
    const r = await withCache(
      dk26c!,
      id,
      { image: `${registry}/drydock-persist/${id}:npm` },
      `ls -A /c | wc -l > /r/n # ${unique("n")}`,
    );
    assert.match(
      r.notices.join("\n"),
      /unusable \(its layer is not a gzip archive\); the cache starts empty/,
    );
    assert.equal(r.read("n").trim(), "0");
  });

  test(
    "a tar file in a CI cache directory: saved on one engine, seeded on another; a corrupt file starts empty",
    {
      skip: !dk26c || !other ? "needs dk26c and dk28 or dk20" : false,
    },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "drydock-ci-cache-"));
      try {
        const id = unique("persist-dir");
        const nonce = unique("nonce");
        await withCache(dk26c!, id, { dir }, `echo ${nonce} > /c/a.txt && touch /r/done`);
        const file = join(dir, `${id}.tar`);
        assert.ok(statSync(file).size > 0);
        const found = await withCache(other!, id, { dir }, `cat /c/a.txt > /r/found # ${unique("n")}`);
        assert.equal(found.read("found"), `${nonce}\n`);
        assert.equal(found.result.persisted?.[0].outcome, "unchanged");

        writeFileSync(file, "not a tar archive".repeat(64));
        const corrupt = await withCache(
          dk26c!,
          unique("persist-dir"),
          { file },
          `ls -A /c | wc -l > /r/n # ${nonce}`,
        );
        assert.match(corrupt.notices.join("\n"), /unusable \(not a tar archive.*\); the cache starts empty/);
        assert.equal(corrupt.read("n").trim(), "0");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  test("a registry that refuses the copy fails the build, naming the mount and the build.ts line", {
    skip: !dk26c || !process.env.DRYDOCK_AUTH_REGISTRY ? "needs dk26c and DRYDOCK_AUTH_REGISTRY" : false,
  }, async () => {
    const ref = `${process.env.DRYDOCK_AUTH_REGISTRY}/drydock-persist/refused:npm`;
    const empty = mkdtempSync(join(tmpdir(), "drydock-no-auth-"));
    const step = image("busybox").run("true", {
      mounts: { "/c": cache("refused", { persist: { image: ref } }) },
    });
    try {
      await assert.rejects(
        buildTargets({ app: step }, { host: dk26c!.host, env: { ...process.env, DOCKER_CONFIG: empty } }),
        (err: DrydockError) => {
          assert.equal(err.code, "E_PERSIST");
          assert.match(
            err.message,
            /cache "refused" \(persist .*refused:npm at .*persist_test\.ts:\d+:\d+\): /,
          );
          assert.match(err.message, /access denied/);
          return true;
        },
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

/** Pushes a manifest that claims to be a drydock copy but whose layer is not gzip. */
async function pushBroken(repo: string, tag: string): Promise<void> {
  const blob = async (bytes: Buffer) => {
    const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    const start = await fetch(`http://${registry}/v2/${repo}/blobs/uploads/`, { method: "POST" });
    await start.body?.cancel();
    const url = new URL(start.headers.get("location")!, `http://${registry}`);
    url.searchParams.set("digest", digest);
    const put = await fetch(url, { method: "PUT", body: new Uint8Array(bytes) });
    await put.body?.cancel();
    assert.ok(put.ok, `blob upload: ${put.status}`);
    return { digest, size: bytes.length };
  };
  const layer = await blob(Buffer.from("definitely not gzip"));
  const config = await blob(Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: {} })));
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
    layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", ...layer }],
    annotations: { "dev.drydock.persist.content": `sha256:${"0".repeat(64)}` },
  });
  const res = await fetch(`http://${registry}/v2/${repo}/manifests/${tag}`, {
    method: "PUT",
    headers: { "content-type": "application/vnd.oci.image.manifest.v1+json" },
    body: manifest,
  });
  await res.body?.cancel();
  assert.ok(res.ok, `manifest push: ${res.status}`);
}
