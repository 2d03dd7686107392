// dockerfile() wrapping an existing Dockerfile builds what `docker buildx build` builds on the same engine:
// the same files, the same image config, an empty result exported as buildx exports it, a Dockerfile that
// .dockerignore lists or that lives outside the context, and build args by their Dockerfile names.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildTargets, dockerfile, local } from "../../mod.ts";
import { buildxBuild, buildxPlugin, treeListing } from "../support/buildx.ts";
import { dockerApi, removeImage } from "../support/docker_api.ts";
import { dk20, dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { runBuildFile } from "../support/runtime.ts";
import { tarFile } from "../support/tarball.ts";

const WRAP_BUILD = fileURLToPath(new URL("../fixtures/dockerfile/wrap_build.ts", import.meta.url));
let work: string;

/** Writes `files` (path → text) under a new directory in the test's work dir. */
function tree(name: string, files: Record<string, string>): string {
  const dir = join(work, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

before(() => {
  work = mkdtempSync(join(tmpdir(), "drydock-wrap-"));
});
after(() => rmSync(work, { recursive: true, force: true }));

const CONFIG_DOCKERFILE = [
  "FROM busybox AS base",
  "ENV A=1 PATH=/opt/bin:$PATH",
  "WORKDIR /app",
  "RUN echo hi > hi.txt",
  "FROM base",
  'SHELL ["/bin/sh", "-ec"]',
  "USER nobody",
  "LABEL team=build",
  "EXPOSE 8080 53/udp",
  "VOLUME /data",
  "STOPSIGNAL SIGTERM",
  "HEALTHCHECK --interval=30s --retries=2 CMD wget -q localhost:8080",
  "ONBUILD RUN echo child",
  'ENTRYPOINT ["/bin/sh", "-c"]',
  'CMD ["cat hi.txt"]',
  "",
].join("\n");

/** Builds `args` with buildx into image `name`; returns `docker image inspect`'s Config and layers. */
async function inspect(engine: TestEngine, name: string) {
  const { body } = await dockerApi(engine.socket, `/images/${encodeURIComponent(name)}/json`);
  const image = body as { Config: Record<string, unknown>; RootFS: { Layers?: string[] } };
  return { config: image.Config, layers: image.RootFS.Layers ?? [] };
}

function wrapOn(engine: TestEngine | undefined, label: string) {
  const skip = skipWithout(engine, label) || (buildxPlugin ? false : "DRYDOCK_BUILDX is not set");

  test(`the Dockerfile's image config and layers are buildx's; steps in code start from it (${label})`, {
    skip,
  }, async () => {
    const ctx = tree(`config-${label}`, { Dockerfile: CONFIG_DOCKERFILE });
    const [bx, dd, refined] = ["bx", "dd", "refined"].map((t) => `${unique("drydock-wrap")}:${t}`);
    try {
      await buildxBuild(engine!, ["-t", bx, ctx]);
      const wrapped = dockerfile(local(ctx));
      const code = wrapped.env("B", "2").workdir("sub").user("root").run(
        "pwd > /where.txt; id -un >> /where.txt",
      );
      await buildTargets(
        { dd: { state: wrapped, image: dd }, refined: { state: code, image: refined } },
        { host: engine!.host },
      );
      const want = await inspect(engine!, bx);
      assert.deepEqual(await inspect(engine!, dd), want);
      const got = await inspect(engine!, refined);
      assert.deepEqual(got.config, {
        ...want.config,
        Env: [...(want.config.Env as string[]), "B=2"],
        WorkingDir: "/app/sub",
        User: "root",
      });
      const out = join(work, `refined-${label}`);
      await buildTargets({ r: { state: code, output: { type: "local", dest: out } } }, {
        host: engine!.host,
      });
      assert.equal(readFileSync(join(out, "where.txt"), "utf8"), "/app/sub\nroot\n");
    } finally {
      for (const name of [bx, dd, refined]) await removeImage(engine!.socket, name);
    }
  });

  test(
    `a FROM scratch Dockerfile of metadata only exports an image with no layers, an empty tar and dir (${label})`,
    {
      skip,
    },
    async () => {
      const ctx = tree(`meta-${label}`, {
        Dockerfile:
          'FROM scratch\nENV A=1\nEXPOSE 80\nENTRYPOINT ["/app"]\nHEALTHCHECK CMD ["/app", "health"]\n',
      });
      const [bx, dd] = ["bx", "dd"].map((t) => `${unique("drydock-wrap-meta")}:${t}`);
      const tar = join(work, `meta-${label}.tar`);
      const dir = join(work, `meta-${label}-dir`);
      try {
        await buildxBuild(engine!, ["-t", bx, ctx]);
        await buildTargets({
          m: {
            state: dockerfile(local(ctx)),
            image: dd,
            output: [{ type: "tar", dest: tar }, { type: "local", dest: dir }],
          },
        }, { host: engine!.host });
        const want = await inspect(engine!, bx);
        assert.deepEqual(await inspect(engine!, dd), want);
        assert.deepEqual(want.layers, []);
        assert.ok(readFileSync(tar).every((b) => b === 0), "the tar has no entries");
        assert.deepEqual(readdirSync(dir), []);
      } finally {
        for (const name of [bx, dd]) await removeImage(engine!.socket, name);
      }
    },
  );

  test(
    `a .dockerignore that lists the Dockerfile, * with exceptions, or Dockerfile.dockerignore: buildx's files (${label})`,
    {
      skip,
    },
    async () => {
      const cases: [string, Record<string, string>][] = [
        ["listed", { ".dockerignore": "Dockerfile\n.dockerignore\n" }],
        ["star", { ".dockerignore": "*\n!keep.txt\n" }],
        // The Dockerfile's own ignore file wins over the context's.
        ["own", { ".dockerignore": "keep.txt\n", "Dockerfile.dockerignore": "drop\n" }],
      ];
      for (const [name, ignores] of cases) {
        const ctx = tree(`ignore-${name}-${label}`, {
          Dockerfile:
            "FROM busybox AS build\nCOPY . /ctx/\nRUN ls -a /ctx > /list.txt\nFROM scratch\nCOPY --from=build /list.txt /ctx /\n",
          ...ignores,
          "keep.txt": "keep\n",
          "drop/away.txt": "away\n",
        });
        const want = join(work, `ignore-${name}-${label}-bx`);
        const got = join(work, `ignore-${name}-${label}-dd`);
        await buildxBuild(engine!, ["-o", `type=local,dest=${want}`, ctx]);
        await buildTargets({ i: { state: dockerfile(local(ctx)), output: { type: "local", dest: got } } }, {
          host: engine!.host,
        });
        assert.deepEqual(treeListing(got), treeListing(want));
        assert.ok(treeListing(got).some((l) => l.startsWith("keep.txt ")));
      }
    },
  );

  test(
    `a Dockerfile outside the context (file) builds what buildx -f builds (${label})`,
    { skip },
    async () => {
      const df = tree(`outside-df-${label}`, {
        "ci/Dockerfile.app": "FROM busybox\nCOPY . /ctx/\nRUN cat /ctx/y.txt > /seen.txt\n",
        "ci/Dockerfile.app.dockerignore": "",
      });
      const ctx = tree(`outside-ctx-${label}`, { "y.txt": "y\n", Dockerfile: "FROM scratch\n" });
      const want = join(work, `outside-${label}-bx`);
      const got = join(work, `outside-${label}-dd`);
      await buildxBuild(engine!, ["-f", join(df, "ci/Dockerfile.app"), "-o", `type=local,dest=${want}`, ctx]);
      await buildTargets({
        o: {
          state: dockerfile(local(ctx), { file: join(df, "ci/Dockerfile.app") }),
          output: { type: "local", dest: got },
        },
      }, { host: engine!.host });
      assert.deepEqual(treeListing(got), treeListing(want));
      assert.equal(readFileSync(join(got, "seen.txt"), "utf8"), "y\n");
    },
  );

  test(
    `--build-arg NODE_VERSION=20 and --build-arg http_proxy=... reach the Dockerfile as with buildx (${label})`,
    {
      skip,
    },
    async () => {
      // A step of its own each run: proxy args are not part of the cache key, so an earlier run's
      // result would otherwise be reused, as buildx reuses it.
      const ctx = tree(`args-${label}`, {
        Dockerfile: [
          "ARG NODE_VERSION=16",
          "FROM busybox",
          "ARG NODE_VERSION",
          `RUN echo ${unique("run")} > /run.txt`,
          // A proxy arg is in RUN's environment without an ARG, and stays out of the cache key.
          'RUN echo "node $NODE_VERSION" > /v.txt && echo "proxy $http_proxy" >> /v.txt',
          "",
        ].join("\n"),
      });
      const proxy = `http://${unique("proxy")}.invalid:3128`;
      const args = ["--build-arg", "NODE_VERSION=20", "--build-arg", `http_proxy=${proxy}`];
      const want = join(work, `args-${label}-bx`);
      const got = join(work, `args-${label}-dd`);
      // drydock first, so its result cannot come from buildx's cache.
      const run = await runBuildFile(
        WRAP_BUILD,
        [...args, "--host", engine!.host, "-o", `type=local,dest=${got}`, "--progress", "plain"],
        { WRAP_CONTEXT: ctx },
      );
      assert.equal(run.code, 0, run.stderr);
      assert.equal(readFileSync(join(got, "v.txt"), "utf8"), `node 20\nproxy ${proxy}\n`);
      await buildxBuild(engine!, [...args, "-o", `type=local,dest=${want}`, ctx]);
      assert.deepEqual(treeListing(got), treeListing(want));
    },
  );

  test(`build checks show as warnings with the Dockerfile's line where the engine has them (${label})`, {
    skip: skipWithout(engine, label),
  }, async () => {
    const ctx = tree(`checks-${label}`, {
      Dockerfile: `FROM busybox as build\nRUN echo ${unique("c")} > /c.txt\n`,
    });
    const out = join(work, `checks-${label}-out`);
    const run = await runBuildFile(
      WRAP_BUILD,
      ["--host", engine!.host, "-o", `type=local,dest=${out}`, "--progress", "plain"],
      { WRAP_CONTEXT: ctx },
    );
    assert.equal(run.code, 0, run.stderr);
    if (engine!.name === "dk28") {
      // BuildKit >= 0.14 lints the Dockerfile: buildx's plain line, and the summary names the file.
      assert.match(
        run.stderr,
        /#\d+ WARN: FromAsCasing: 'as' and 'FROM' keywords' casing do not match \(line 1\)/,
      );
      assert.match(
        run.stderr,
        / - FromAsCasing: 'as' and 'FROM' keywords' casing do not match \(Dockerfile:1\)/,
      );
    } else {
      assert.doesNotMatch(run.stderr, /WARN|warning/);
    }
  });

  test(
    `a dockerfile() target with two platforms is one index, each platform's config from the frontend (${label})`,
    {
      skip: skipWithout(engine, label),
    },
    async () => {
      const ctx = tree(`platforms-${label}`, {
        Dockerfile: "FROM scratch\nARG TARGETPLATFORM\nENV BUILT_FOR=$TARGETPLATFORM\nCOPY f.txt /\n",
        "f.txt": "f\n",
      });
      const out = join(work, `platforms-${label}-out`);
      if (engine!.name === "dk20") {
        // No image index exporter with a graphdriver store: each platform's files, in a directory each.
        await buildTargets({
          p: {
            state: dockerfile(local(ctx)),
            platforms: ["linux/amd64", "linux/arm64"],
            output: { type: "local", dest: out },
          },
        }, { host: engine!.host });
        assert.deepEqual(readdirSync(out).sort(), ["linux_amd64", "linux_arm64"]);
        assert.equal(readFileSync(join(out, "linux_arm64", "f.txt"), "utf8"), "f\n");
        return;
      }
      await buildTargets({
        p: {
          state: dockerfile(local(ctx)),
          platforms: ["linux/amd64", "linux/arm64"],
          output: { type: "oci", dest: join(out, "index.tar") },
        },
      }, { host: engine!.host });
      const tar = join(out, "index.tar");
      const blob = (d: string) => JSON.parse(tarFile(tar, `blobs/sha256/${d.slice("sha256:".length)}`));
      let manifests = JSON.parse(tarFile(tar, "index.json")).manifests as {
        digest: string;
        mediaType: string;
      }[];
      if (manifests.length === 1 && manifests[0].mediaType.includes("index")) {
        manifests = blob(manifests[0].digest).manifests;
      }
      const envs = manifests.map((m) => {
        const config = blob(blob(m.digest).config.digest);
        return `${config.architecture} ${config.config.Env.find((e: string) => e.startsWith("BUILT_FOR="))}`;
      });
      assert.deepEqual(envs.sort(), ["amd64 BUILT_FOR=linux/amd64", "arm64 BUILT_FOR=linux/arm64"]);
    },
  );
}

describe("dockerfile() wrapping a Dockerfile", () => {
  wrapOn(dk26c, "dk26c");
  wrapOn(dk20, "dk20");
  wrapOn(dk28, "dk28");
});
