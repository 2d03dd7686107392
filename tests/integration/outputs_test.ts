// Artifacts: tar (file and stdout), OCI and Docker tarballs, several outputs
// in one solve, and the one-solve-per-output fallback on Docker 20.10.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildTargets, image, scratch } from "../../mod.ts";
import { dk20, dk26, dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { imageConfig, removeImage } from "../support/docker_api.ts";
import { runBuildFile } from "../support/runtime.ts";
import { tarEntries, tarFile } from "../support/tarball.ts";

const TAR_STDOUT = fileURLToPath(new URL("./fixtures/tar_stdout.ts", import.meta.url));

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "drydock-outputs-"));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

function tarOn(engine: TestEngine | undefined, label: string) {
  test(
    `a tar output writes the result's files into one archive (${label})`,
    {
      skip: skipWithout(engine, label),
    },
    withDir(async (dir) => {
      const id = unique("tar");
      const state = image("busybox").run(`echo ${id} > /made-by-run.txt`);
      await buildTargets({ t: { state, output: { type: "tar", dest: join(dir, "sub/fs.tar") } } }, {
        host: engine!.host,
      });
      const entries = tarEntries(join(dir, "sub/fs.tar"));
      assert.ok(entries.includes("made-by-run.txt"), entries.slice(0, 20).join(" "));
      assert.ok(entries.includes("bin/busybox"));
      assert.equal(tarFile(join(dir, "sub/fs.tar"), "made-by-run.txt"), `${id}\n`);
      assert.ok(!existsSync(join(dir, "sub/fs.tar.partial-" + process.pid)), "no partial file is left");
    }),
  );

  test(`a tar output with dest "-" goes to standard output (${label})`, {
    skip: skipWithout(engine, label),
  }, async () => {
    const r = await runBuildFile(TAR_STDOUT, [], {
      DOCKER_HOST: `unix://${engine!.socket}`,
      BUILDKIT_HOST: undefined,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /hello\.txt/);
    assert.match(r.stdout, /ustar/);
    assert.match(r.stdout, /hello from a tar on stdout/);
    assert.doesNotMatch(r.stdout, /^#\d+ /m, "progress stays on stderr");
  });
}

const CONTAINERD_STORES = [
  [dk26c, "Docker 26.1, containerd store"],
  [dk28, "Docker 28.5, containerd store"],
] as const;

describe("tar outputs", () => {
  tarOn(dk26c, "Docker 26.1, containerd store");
  tarOn(dk28, "Docker 28.5, containerd store");
  tarOn(dk26, "Docker 26.1, overlay2");
  tarOn(dk20, "Docker 20.10");
});

describe("oci and docker tarballs", () => {
  for (const [engine, label] of CONTAINERD_STORES) {
    test(
      `oci and docker tarballs hold the image, with names (${label})`,
      {
        skip: skipWithout(engine, label),
      },
      withDir(async (dir) => {
        const state = scratch().mkfile("/app.txt", "app\n").config({ cmd: ["/app"] });
        const r = await buildTargets({
          t: {
            state,
            output: [
              { type: "oci", dest: join(dir, "oci.tar"), name: "example.test/app:oci" },
              { type: "docker", dest: join(dir, "docker.tar"), name: "example.test/app:docker" },
            ],
          },
        }, { host: engine!.host });
        const oci = tarEntries(join(dir, "oci.tar"));
        assert.ok(oci.includes("oci-layout") && oci.includes("index.json"), oci.join(" "));
        const index = JSON.parse(tarFile(join(dir, "oci.tar"), "index.json"));
        assert.equal(index.manifests[0].annotations["io.containerd.image.name"], "example.test/app:oci");
        const docker = tarEntries(join(dir, "docker.tar"));
        assert.ok(docker.includes("manifest.json"), docker.join(" "));
        const manifest = JSON.parse(tarFile(join(dir, "docker.tar"), "manifest.json"));
        assert.deepEqual(manifest[0].RepoTags, ["example.test/app:docker"]);
        const config = JSON.parse(tarFile(join(dir, "docker.tar"), manifest[0].Config));
        assert.deepEqual(config.config.Cmd, ["/app"]);
        assert.match(r.t.exporterResponse["containerimage.digest"] ?? "", /^sha256:/);
      }),
    );
  }

  for (const [engine, label] of [[dk26, "Docker 26.1, overlay2"], [dk20, "Docker 20.10"]] as const) {
    test(`an oci output is refused with the engines that can (${label})`, {
      skip: skipWithout(engine, label),
    }, async () => {
      await assert.rejects(
        buildTargets({ t: { state: scratch().mkfile("/a", "a"), output: { type: "oci", dest: "x.tar" } } }, {
          host: engine!.host,
        }),
        (e: Error) =>
          /"oci" output needs the oci exporter/.test(e.message) &&
          /Docker with the containerd image store/.test(e.message),
      );
    });
  }
});

describe("several outputs of one build", () => {
  for (const [engine, label] of CONTAINERD_STORES) {
    test(
      `image, local and tar in one solve (${label})`,
      {
        skip: skipWithout(engine, label),
      },
      withDir(async (dir) => {
        const name = `${unique("drydock-multi")}:v1`;
        const id = unique("multi");
        const state = image("busybox").run(`echo ${id} > /id.txt`).config({ cmd: ["cat", "/id.txt"] });
        const vertexNames: string[] = [];
        try {
          const r = await buildTargets({
            t: {
              state,
              image: name,
              output: [{ type: "local", dest: join(dir, "fs") }, { type: "tar", dest: join(dir, "fs.tar") }],
            },
          }, {
            host: engine!.host,
            onStatus: (_t, s) =>
              vertexNames.push(
                ...(s.vertexes ?? []).filter((v) => v.completed).map((v) =>
                  (v.name ?? "").replace(/^\[\S+ \d+\/\d+\] /, "")
                ),
              ),
          });
          assert.equal(readFileSync(join(dir, "fs/id.txt"), "utf8"), `${id}\n`);
          assert.equal(tarFile(join(dir, "fs.tar"), "id.txt"), `${id}\n`);
          assert.deepEqual((await imageConfig(engine!.socket, name)).Cmd, ["cat", "/id.txt"]);
          assert.deepEqual(r.t.notices, []);
          // The image exporter is last, so the digest in the response is the image's.
          assert.equal(r.t.exporterResponse["image.name"], `docker.io/library/${name}`);
          assert.equal(vertexNames.filter((n) => n.startsWith(`RUN echo ${id}`)).length, 1, "built once");
        } finally {
          await removeImage(engine!.socket, name);
        }
      }),
    );
  }

  test(
    "Docker 20.10 builds once per output and says so",
    {
      skip: skipWithout(dk20, "dk20"),
    },
    withDir(async (dir) => {
      const name = `${unique("drydock-multi")}:v1`;
      const id = unique("multi");
      const state = image("busybox").run(`echo ${id} > /id.txt`);
      try {
        const r = await buildTargets({
          t: {
            state,
            image: name,
            output: [{ type: "local", dest: join(dir, "fs") }, { type: "tar", dest: join(dir, "fs.tar") }],
          },
        }, { host: dk20!.host });
        assert.equal(readFileSync(join(dir, "fs/id.txt"), "utf8"), `${id}\n`);
        assert.equal(tarFile(join(dir, "fs.tar"), "id.txt"), `${id}\n`);
        assert.ok((await imageConfig(dk20!.socket, name)).Env);
        assert.equal(r.t.notices.length, 1);
        assert.match(
          r.t.notices[0],
          /one exporter per build.*built 3 times, once per output \(image, local, tar\)/,
        );
      } finally {
        await removeImage(dk20!.socket, name);
      }
    }),
  );
});
