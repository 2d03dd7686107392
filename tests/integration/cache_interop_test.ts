// Cache interop with the Dockerfile frontend: after `docker buildx build` of a small multi-stage Dockerfile,
// the same build written as a build.ts runs on the same engine with every COPY and RUN step CACHED.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { promisify } from "node:util";
import { buildTargets, dockerfile, image, local, type State } from "../../mod.ts";
import * as pb from "../../src/proto/pb.gen.ts";
import { dk20, dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";

const DOCKERFILE = `FROM busybox AS build
COPY hello.txt /src/hello.txt
RUN cat /src/hello.txt > /out.txt && echo built >> /out.txt

FROM busybox
COPY --from=build /out.txt /final/out.txt
RUN wc -l /final/out.txt > /final/count.txt
`;

let ctx: string;

before(() => {
  ctx = mkdtempSync(join(tmpdir(), "drydock-interop-"));
  writeFileSync(join(ctx, "Dockerfile"), DOCKERFILE);
  // Content no earlier run has seen, so only this run's buildx build can have cached these steps.
  writeFileSync(join(ctx, "hello.txt"), `${unique("hello")}\n`);
});

after(() => rmSync(ctx, { recursive: true, force: true }));

const buildx = process.env.DRYDOCK_BUILDX;

/** DOCKERFILE written with drydock; RUN steps get busybox's ENV (PATH) as the frontend's do. */
function equivalent(): State {
  const src = local(ctx);
  const build = image("busybox")
    .copy(src, "hello.txt", "/src/hello.txt")
    .run("cat /src/hello.txt > /out.txt && echo built >> /out.txt");
  const final = image("busybox")
    .copy(build, "/out.txt", "/final/out.txt")
    .run("wc -l /final/out.txt > /final/count.txt");
  return final;
}

/** The exec and file ops of a definition without their inputs: what the cache keys are made of. */
function stepsOf(definition: pb.Definition): unknown[] {
  return (definition.def ?? []).map((b) => pb.Op.fromBinary(b)).filter((op) => op.exec || op.file)
    .map((op) => ({ exec: op.exec, file: op.file, platform: op.platform }));
}

function interopOn(engine: TestEngine | undefined, label: string) {
  test(`a build.ts equal to a Dockerfile reuses buildx's cache on ${label}`, {
    skip: skipWithout(engine, label) || (buildx ? false : "DRYDOCK_BUILDX is not set"),
  }, async () => {
    const { stderr } = await promisify(execFile)(
      "docker",
      ["buildx", "build", "--builder", "default", "--progress", "plain", ctx],
      {
        env: {
          ...process.env,
          DOCKER_HOST: `unix://${engine!.socket}`,
          DOCKER_CONFIG: dirname(dirname(buildx!)),
        },
      },
    );
    // buildx really ran the steps (nothing cached from elsewhere).
    assert.match(stderr, /RUN cat \/src\/hello.txt[^\n]*\n(#\d+ [^\n]*\n)*#\d+ DONE/);

    const final = equivalent();

    const steps = new Map<string, boolean>();
    await buildTargets({ final }, {
      host: engine!.host,
      onStatus: (_target, status) => {
        // Names carry the build.ts stage (`[final 2/3] RUN ...`); buildx's cache is keyed by the ops alone.
        for (const v of status.vertexes ?? []) {
          if (v.completed && v.name) steps.set(v.name.replace(/^\[\S+ \d+\/\d+\] /, ""), v.cached ?? false);
        }
      },
    });
    const mine = [...steps].filter(([name]) => /^(RUN|COPY) /.test(name));
    assert.deepEqual(mine.sort(), [
      ["COPY /out.txt /final/out.txt", true],
      ["COPY hello.txt /src/hello.txt", true],
      ["RUN cat /src/hello.txt > /out.txt && echo built >> /out.txt", true],
      ["RUN wc -l /final/out.txt > /final/count.txt", true],
    ]);
  });
}

interopOn(dk26c, "Docker 26.1 (containerd store)");
interopOn(dk28, "Docker 28.5 (containerd store)");
// BuildKit 0.8 drops the exec field it does not know, so its cache keys match as well.
interopOn(dk20, "Docker 20.10");

// dk28 runs a newer Dockerfile frontend (in dockerd 28) than dk26c.
for (const engine of [dk26c, dk28]) {
  test(
    `our exec and file ops equal the Dockerfile frontend's, field for field, on ${
      engine?.name ?? "dk26c/dk28"
    }`,
    {
      skip: skipWithout(engine),
    },
    async () => {
      let theirs: pb.Definition | undefined;
      await buildTargets({ dockerfile: dockerfile(local(ctx)) }, {
        host: engine!.host,
        onDefinition: (_target, definition) => {
          theirs = pb.Definition.decode(definition);
        },
      });
      let ours: pb.Definition | undefined;
      await buildTargets({ ours: equivalent() }, {
        host: engine!.host,
        onDefinition: (_target, definition) => {
          ours = pb.Definition.decode(definition);
        },
      });
      assert.deepEqual(stepsOf(ours!), stepsOf(theirs!));
    },
  );
}
