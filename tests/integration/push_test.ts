// Pushing images: the image exporter on Docker with the containerd store
// (compression, media types, annotations, several tags, push by digest), and
// the Engine API after a moby export on graphdriver Dockers. Checked against
// the registry's own HTTP API.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { buildTargets, image } from "../../mod.ts";
import { dk20, dk26, dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { removeImage } from "../support/docker_api.ts";
import { fetchManifest, listTags, registry } from "../support/registry.ts";

const skipReason = (engine: TestEngine | undefined, label: string) =>
  registry ? skipWithout(engine, label) : "DRYDOCK_REGISTRY is not configured";

function exporterPushOn(engine: TestEngine | undefined, label: string) {
  describe(`push with the image exporter (${label})`, () => {
    test("two tags, zstd, OCI media types and annotations", { skip: skipReason(engine, label) }, async () => {
      const repo = unique("drydock-push");
      const names = [`${registry}/${repo}:one`, `${registry}/${repo}:two`];
      const state = image("busybox").run(`echo ${repo} > /id`).config({ cmd: ["cat", "/id"] });
      try {
        const r = await buildTargets({
          app: {
            state,
            output: {
              type: "image",
              name: names,
              push: true,
              compression: "zstd",
              forceCompression: true,
              ociMediatypes: true,
              annotations: {
                "org.opencontainers.image.title": "pushed by drydock",
                "manifest-descriptor:x.test": "d",
              },
            },
          },
        }, { host: engine!.host });
        const digest = r.app.exporterResponse["containerimage.digest"];
        assert.match(digest ?? "", /^sha256:/);
        assert.deepEqual((await listTags(registry!, repo)).sort(), ["one", "two"]);
        for (const tag of ["one", "two"]) {
          const m = await fetchManifest(registry!, repo, tag);
          assert.equal(m.status, 200);
          assert.equal(m.digest, digest);
          assert.equal(m.body.mediaType, "application/vnd.oci.image.manifest.v1+json");
          assert.equal(m.body.annotations?.["org.opencontainers.image.title"], "pushed by drydock");
          for (const layer of m.body.layers ?? []) {
            assert.equal(layer.mediaType, "application/vnd.oci.image.layer.v1.tar+zstd");
          }
        }
      } finally {
        for (const n of names) await removeImage(engine!.socket, n);
      }
    });

    test("push by digest leaves no tag", { skip: skipReason(engine, label) }, async () => {
      const repo = unique("drydock-bydigest");
      const state = image("busybox").run(`echo ${repo} > /id`);
      const r = await buildTargets({
        app: {
          state,
          output: {
            type: "image",
            name: `${registry}/${repo}`,
            push: true,
            pushByDigest: true,
            store: false,
          },
        },
      }, { host: engine!.host });
      const digest = r.app.exporterResponse["containerimage.digest"]!;
      assert.match(digest, /^sha256:/);
      assert.equal((await fetchManifest(registry!, repo, digest)).status, 200);
      assert.deepEqual(await listTags(registry!, repo), []);
    });
  });
}

exporterPushOn(dk26c, "Docker 26.1, containerd store");
exporterPushOn(dk28, "Docker 28.5, containerd store");

function enginePushOn(engine: TestEngine | undefined, label: string) {
  test(`push goes through the Engine API after the moby export (${label})`, {
    skip: skipReason(engine, label),
  }, async () => {
    const repo = unique("drydock-enginepush");
    const names = [`${registry}/${repo}:a`, `${registry}/${repo}:b`];
    const state = image("busybox").run(`echo ${repo} > /id`);
    try {
      const r = await buildTargets({ app: { state, output: { type: "image", name: names, push: true } } }, {
        host: engine!.host,
      });
      assert.deepEqual(r.app.pushed.map((p) => p.name), names);
      for (const [i, tag] of ["a", "b"].entries()) {
        const m = await fetchManifest(registry!, repo, tag);
        assert.equal(m.status, 200);
        assert.equal(m.digest, r.app.pushed[i].digest);
      }
    } finally {
      for (const n of names) await removeImage(engine!.socket, n);
    }
  });

  test(`image exporter options are refused with the engines that can (${label})`, {
    skip: skipWithout(engine, label),
  }, async () => {
    await assert.rejects(
      buildTargets({
        app: { state: image("busybox"), output: { type: "image", name: "x:y", compression: "zstd" } },
      }, { host: engine!.host }),
      /option\(s\) compression need the image exporter.*use a standalone buildkitd or Docker with the containerd image store/,
    );
  });
}

describe("push through the Docker Engine API", () => {
  enginePushOn(dk26, "Docker 26.1, overlay2");
  enginePushOn(dk20, "Docker 20.10");
});
