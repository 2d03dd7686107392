// What drydock learns about an engine comes from caps and worker labels, never from version strings: Debian's
// Docker 28.5 says its BuildKit is "v0.0.0+unknown". And an image buildx 0.29 made (an index with its default
// provenance attestation beside the image) is a base like any other, on every engine.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { image, scratch } from "../../mod.ts";
import { ControlService } from "../../src/proto/moby_buildkit_v1.gen.ts";
import { probeEngine } from "../../src/solve/engine_features.ts";
import { connect } from "../../src/transport/connect.ts";
import { engineCandidates } from "../../src/transport/discover.ts";
import { buildFiles } from "../support/build_files.ts";
import { dk20, dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { fetchManifest, registry } from "../support/registry.ts";

const buildx = process.env.DRYDOCK_BUILDX_NEW;
const docker = process.env.DRYDOCK_DOCKER_NEW;

describe("engine facts on Docker 28.5", () => {
  test("an unstamped BuildKit version changes nothing: the kind comes from worker labels", {
    skip: skipWithout(dk28, "Docker 28.5"),
  }, async () => {
    const transport = await connect(engineCandidates({}, { host: dk28!.host }));
    try {
      const info = await transport.rpc.unary(ControlService.info, {});
      // Debian does not stamp the vendored BuildKit (0.25.2).
      assert.match(info.buildkitVersion?.version ?? "", /^v\d+\.\d+\.\d+/);
      assert.deepEqual(await probeEngine(transport), { kind: "docker-containerd", multipleExporters: true });
    } finally {
      await transport.close();
    }
  });
});

let base: string | undefined;
let work: string;

before(() => {
  work = mkdtempSync(join(tmpdir(), "drydock-bxbase-"));
  if (!dk28 || !buildx || !docker || !registry) return;
  // buildx 0.29 on the docker driver with the containerd store adds provenance by default.
  mkdirSync(join(work, "cfg/cli-plugins"), { recursive: true });
  symlinkSync(buildx, join(work, "cfg/cli-plugins/docker-buildx"));
  writeFileSync(join(work, "Dockerfile"), `FROM busybox\nRUN echo ${unique("bx")} > /made-by-buildx\n`);
  base = `${registry}/${unique("drydock-bxbase")}:v1`;
  execFileSync(docker, [
    "buildx",
    "build",
    "--progress=quiet",
    "--output",
    `type=image,name=${base},push=true`,
    work,
  ], {
    env: { ...process.env, DOCKER_CONFIG: join(work, "cfg"), DOCKER_HOST: process.env.DRYDOCK_DK28_HOST },
    stdio: "pipe",
  });
});
after(() => rmSync(work, { recursive: true, force: true }));

function baseOn(engine: TestEngine | undefined, label: string) {
  test(`an image buildx 0.29 pushed with its provenance is a base (${label})`, {
    skip: skipWithout(engine, label) || (buildx && docker && registry ? false : "no buildx 0.29 or registry"),
  }, async () => {
    const [repo, tag] = base!.slice(registry!.length + 1).split(":");
    const index = await fetchManifest(registry!, repo, tag);
    const kinds = (index.body.manifests ?? []).map((m) =>
      m.annotations?.["vnd.docker.reference.type"] ?? "image"
    );
    assert.deepEqual(kinds.sort(), ["attestation-manifest", "image"], "buildx added its provenance");
    const built = await buildFiles(
      engine!,
      scratch().copy(image(base!).run("cat /made-by-buildx > /seen"), "/seen", "/seen"),
    );
    assert.match(built.read("seen"), /^bx-/);
  });
}

describe("bases made by buildx 0.29", () => {
  baseOn(dk28, "Docker 28.5, containerd store");
  baseOn(dk26c, "Docker 26.1, containerd store");
  baseOn(dk20, "Docker 20.10");
});
