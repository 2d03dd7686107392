// Images the image exporter makes beyond one manifest: multi-platform
// indexes, provenance attestations, the SBOM request, reproducible digests
// with SOURCE_DATE_EPOCH, and the metadata written for --metadata-file.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildTargets, image, type Platform, scratch, writeMetadataFile } from "../../mod.ts";
import { dk20, dk26, dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { fetchBlobJson, fetchManifest, registry } from "../support/registry.ts";

const needRegistry = (engine: TestEngine | undefined, label: string) =>
  registry ? skipWithout(engine, label) : "DRYDOCK_REGISTRY is not configured";

// File operations only: no emulator is needed for a foreign platform.
const perPlatform = (id: string) => (p: Platform) =>
  scratch().mkfile("/platform.txt", `${id} ${p.os}/${p.architecture}\n`).config({ cmd: ["/platform.txt"] });

function indexesOn(engine: TestEngine | undefined, label: string) {
  describe(`multi-platform (${label})`, () => {
    test(
      "two platforms become one image index",
      { skip: needRegistry(engine, label) },
      async () => {
        const repo = unique("drydock-multiarch");
        const r = await buildTargets({
          app: {
            state: perPlatform(repo),
            platforms: ["linux/amd64", "linux/arm64"],
            output: { type: "image", name: `${registry}/${repo}:v1`, push: true, store: false },
          },
        }, { host: engine!.host });
        const index = await fetchManifest(registry!, repo, "v1");
        assert.equal(index.digest, r.app.exporterResponse["containerimage.digest"]);
        const platforms = (index.body.manifests ?? []).map((m) =>
          `${m.platform?.os}/${m.platform?.architecture}`
        );
        assert.deepEqual(platforms.sort(), ["linux/amd64", "linux/arm64"]);
        for (const m of index.body.manifests ?? []) {
          const manifest = await fetchManifest(registry!, repo, m.digest);
          const config = await fetchBlobJson(registry!, repo, manifest.body.config!.digest) as {
            architecture: string;
            config: { Cmd: string[] };
          };
          assert.equal(config.architecture, m.platform?.architecture);
          assert.deepEqual(config.config.Cmd, ["/platform.txt"]);
        }
      },
    );
  });

  describe(`provenance and SBOM (${label})`, () => {
    for (const mode of ["min", "max"] as const) {
      test(
        `provenance mode=${mode} is attached to the pushed image`,
        { skip: needRegistry(engine, label) },
        async () => {
          const repo = unique(`drydock-prov-${mode}`);
          await buildTargets({
            app: {
              state: image("busybox").run(`echo ${repo} > /id`),
              output: { type: "image", name: `${registry}/${repo}:v1`, push: true, store: false },
            },
          }, { host: engine!.host, attest: { provenance: { mode } } });
          const index = await fetchManifest(registry!, repo, "v1");
          const attestation = (index.body.manifests ?? []).find((m) =>
            m.annotations?.["vnd.docker.reference.type"] === "attestation-manifest"
          );
          assert.ok(attestation, JSON.stringify(index.body));
          const manifest = await fetchManifest(registry!, repo, attestation.digest);
          const layer = (manifest.body.layers ?? [])[0] as {
            digest: string;
            annotations?: Record<string, string>;
          };
          assert.equal(layer.annotations?.["in-toto.io/predicate-type"], "https://slsa.dev/provenance/v0.2");
          const statement = await fetchBlobJson(registry!, repo, layer.digest) as {
            predicate: { buildConfig?: unknown; metadata?: Record<string, unknown> };
          };
          // mode=max records the build's full definition; min does not.
          assert.equal("buildConfig" in statement.predicate, mode === "max");
        },
      );
    }

    test("an SBOM is requested from its scanner image", { skip: skipWithout(engine, label) }, async () => {
      // The scanner image cannot be pulled here; the engine failing to get it proves it was asked for.
      await assert.rejects(
        buildTargets({
          app: {
            state: scratch().mkfile("/a", "a"),
            output: { type: "image", name: "sbom:x", store: false },
          },
        }, {
          host: engine!.host,
          attest: { sbom: { generator: "localhost:1/no-such-scanner:1" } },
        }),
        /localhost:1\/no-such-scanner:1/,
      );
    });
  });

  describe(`reproducible images (${label})`, () => {
    test("SOURCE_DATE_EPOCH gives the same digest twice, another epoch another digest", {
      skip: skipWithout(engine, label),
    }, async () => {
      const state = image("busybox").run(`echo ${unique("sde")} > /id`);
      const digest = async (epoch: number) => {
        const r = await buildTargets(
          { app: { state, output: { type: "image", name: "sde:x", store: false } } },
          {
            host: engine!.host,
            env: { SOURCE_DATE_EPOCH: String(epoch) },
          },
        );
        return r.app.exporterResponse["containerimage.digest"];
      };
      const first = await digest(1700000000);
      assert.match(first ?? "", /^sha256:/);
      assert.equal(await digest(1700000000), first);
      assert.notEqual(await digest(1700000001), first);
    });
  });

  describe(`metadata (${label})`, () => {
    test(
      "the metadata file has buildx's keys",
      { skip: needRegistry(engine, label) },
      async () => {
        const dir = mkdtempSync(join(tmpdir(), "drydock-metadata-"));
        try {
          const repo = unique("drydock-meta");
          const results = await buildTargets({
            app: {
              state: scratch().mkfile("/a", repo),
              output: { type: "image", name: `${registry}/${repo}:v1`, push: true, store: false },
            },
          }, { host: engine!.host });
          writeMetadataFile(join(dir, "metadata.json"), results);
          const md = JSON.parse(readFileSync(join(dir, "metadata.json"), "utf8"));
          const digest = (await fetchManifest(registry!, repo, "v1")).digest;
          assert.equal(md["containerimage.digest"], digest);
          assert.equal(md["image.name"], `${registry}/${repo}:v1`);
          assert.equal(md["containerimage.descriptor"].digest, digest);
          assert.match(md["containerimage.config.digest"], /^sha256:/);
          assert.equal(md["buildx.build.ref"], `drydock/docker-containerd/${results.app.ref}`);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    );
  });
}

indexesOn(dk26c, "Docker 26.1, containerd store");
indexesOn(dk28, "Docker 28.5, containerd store");

describe("multi-platform where the engine cannot", () => {
  test("a multi-platform image is refused on Docker 26.1 (overlay2), naming the engines that can", {
    skip: skipWithout(dk26, "dk26"),
  }, async () => {
    await assert.rejects(
      buildTargets({
        app: { state: perPlatform("x"), platforms: ["linux/amd64", "linux/arm64"], image: "x:y" },
      }, {
        host: dk26!.host,
      }),
      /multi-platform image needs an image index.*Docker with the containerd image store/,
    );
  });

  test("several platforms need a function of the platform", async () => {
    await assert.rejects(
      buildTargets({ app: { state: scratch(), platforms: ["linux/amd64", "linux/arm64"] } }, {
        host: "unix:///nowhere",
      }),
      /option "targets\.app\.state" must be a function of the platform/,
    );
  });
});

describe("reproducible images where the engine cannot", () => {
  for (const [engine, label] of [[dk26, "Docker 26.1, overlay2"], [dk20, "Docker 20.10"]] as const) {
    test(
      `SOURCE_DATE_EPOCH with an image output is refused (${label})`,
      { skip: skipWithout(engine, label) },
      async () => {
        await assert.rejects(
          buildTargets({ app: { state: scratch().mkfile("/a", "a"), image: "sde:x" } }, {
            host: engine!.host,
            env: { SOURCE_DATE_EPOCH: "0" },
          }),
          /sourceDateEpoch \(SOURCE_DATE_EPOCH\) need the image exporter/,
        );
      },
    );
  }
});

describe("attestations where the engine cannot", () => {
  for (const [engine, label] of [[dk26, "Docker 26.1, overlay2"], [dk20, "Docker 20.10"]] as const) {
    test(
      `provenance with an image output is refused (${label})`,
      { skip: skipWithout(engine, label) },
      async () => {
        await assert.rejects(
          buildTargets({ app: { state: scratch().mkfile("/a", "a"), image: "prov:x" } }, {
            host: engine!.host,
            attest: { provenance: { mode: "max" } },
          }),
          /attestations \(provenance, SBOM\) cannot be made here: .*; use a standalone buildkitd or Docker with the containerd image store/,
        );
      },
    );
  }
});

describe("multi-platform files", () => {
  for (const [engine, label] of [[dk26, "Docker 26.1, overlay2"], [dk20, "Docker 20.10"]] as const) {
    test(`a local output of two platforms has a directory per platform (${label})`, {
      skip: skipWithout(engine, label),
    }, async () => {
      const dir = mkdtempSync(join(tmpdir(), "drydock-mp-"));
      try {
        const id = unique("mp");
        await buildTargets({
          app: {
            state: perPlatform(id),
            platforms: ["linux/amd64", "linux/arm64"],
            output: { type: "local", dest: dir },
          },
        }, { host: engine!.host });
        assert.equal(readFileSync(join(dir, "linux_amd64/platform.txt"), "utf8"), `${id} linux/amd64\n`);
        assert.equal(readFileSync(join(dir, "linux_arm64/platform.txt"), "utf8"), `${id} linux/arm64\n`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
