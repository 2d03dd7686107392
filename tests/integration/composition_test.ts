// merge(), diff() and dockerfile() on real engines: the built filesystem is checked, and where an engine
// cannot run a feature, the fallback or the error is.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildTargets,
  CapabilityError,
  diff,
  dockerfile,
  image,
  local,
  merge,
  scratch,
  type State,
} from "../../mod.ts";
import { dockerApi, removeImage } from "../support/docker_api.ts";
import { dk20, dk26, dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";

let out: string;
let ctx: string;

before(() => {
  out = mkdtempSync(join(tmpdir(), "drydock-out-"));
  ctx = mkdtempSync(join(tmpdir(), "drydock-df-"));
  writeFileSync(join(ctx, "hello.txt"), "hello\n");
  writeFileSync(
    join(ctx, "Dockerfile.custom"),
    [
      "FROM busybox AS build",
      "ARG GREETING=unset",
      "COPY hello.txt /src/hello.txt",
      'RUN cat /src/hello.txt > /out.txt && echo "$GREETING" >> /out.txt',
      "FROM scratch AS final",
      "COPY --from=build /out.txt /final/out.txt",
      "FROM scratch AS other",
      "COPY hello.txt /other.txt",
      "",
    ].join("\n"),
  );
});

after(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(ctx, { recursive: true, force: true });
});

/** Builds `state` on `engine` into a fresh directory; returns it and the notices the build gave. */
async function exported(engine: TestEngine, name: string, state: State) {
  const dest = join(out, `${engine.name}-${name}`);
  const notices: string[] = [];
  await buildTargets({ t: { state, output: { type: "local", dest } } }, {
    host: engine.host,
    onNotice: (_target, message) => notices.push(message),
  });
  return { dir: dest, notices };
}

function read(dir: string, file: string): string {
  return readFileSync(join(dir, file), "utf8");
}

/** Three layers, the later ones overriding /shared, plus a file only the diff adds. */
function layered(): State {
  const base = image("busybox");
  const built = base.run("mkdir -p /opt && echo built > /opt/built.txt");
  return merge([
    scratch().mkfile("/a.txt", "a\n").mkfile("/shared", "from a\n"),
    scratch().mkfile("/b.txt", "b\n").mkfile("/shared", "from b\n"),
    diff(base, built),
  ]);
}

function report(s: State): State {
  return image("busybox")
    .copy(s, "/", "/m/")
    .run("cd /m && find . -type f | sort > /report.txt && cat shared >> /report.txt");
}

describe("merge() and diff()", () => {
  for (const engine of [dk26c, dk28]) {
    test(
      `stack layers with the containerd store (mergeop, diffop) on ${engine?.name ?? "dk26c/dk28"}`,
      { skip: skipWithout(engine) },
      async () => {
        const { dir, notices } = await exported(
          engine!,
          "merge",
          scratch().copy(report(layered()), "/report.txt", "/r"),
        );
        assert.equal(read(dir, "r"), "./a.txt\n./b.txt\n./opt/built.txt\n./shared\nfrom b\n");
        assert.deepEqual(notices, []);
      },
    );
  }

  test(
    "merge() falls back to copies on overlay2, says so once",
    { skip: skipWithout(dk26, "dk26") },
    async () => {
      const two = merge([
        scratch().mkfile("/a.txt", "a\n").mkfile("/shared", "from a\n"),
        scratch().mkfile("/shared", "from b\n"),
      ]);
      const both = merge([two, scratch().mkfile("/c.txt", "c\n")]);
      const { dir, notices } = await exported(
        dk26!,
        "merge-fallback",
        scratch().copy(report(both), "/report.txt", "/r"),
      );
      assert.equal(read(dir, "r"), "./a.txt\n./c.txt\n./shared\nfrom b\n");
      assert.equal(notices.length, 1);
      assert.match(notices[0], /merge\(\): this engine has no merge op, so layers are stacked with copies/);
    },
  );

  for (
    const [engine, label, why] of [[dk26, "dk26", /has disabled: only enabled with containerd image store/], [
      dk20,
      "dk20",
      /does not have/,
    ]] as const
  ) {
    test(`diff() on ${label} fails before solving, naming the feature, line and engine`, {
      skip: skipWithout(engine, label),
    }, async () => {
      const line = Number(/:(\d+):\d+\)?$/.exec(new Error().stack!.split("\n")[1])![1]) + 1;
      const changes = diff(image("busybox"), image("busybox").run("touch /x"));
      await assert.rejects(exported(engine!, "diff", changes), (err: unknown) => {
        assert.ok(err instanceof CapabilityError, String(err));
        assert.match(
          err.message,
          new RegExp(
            `^diff\\(\\) \\(at .*composition_test\\.ts:${line}:\\d+\\) needs the engine capability "diffop", which the Docker engine at unix://\\S+ `,
          ),
        );
        assert.match(err.message, why);
        return true;
      });
    });
  }
});

/** The number of layers of an image `merge()` makes of busybox and two one-file layers. */
async function mergedLayers(engine: TestEngine): Promise<number> {
  const name = `${unique("drydock-merge")}:v`;
  const merged = merge([
    image("busybox"),
    scratch().mkfile("/a.txt", "a\n"),
    scratch().mkfile("/b.txt", "b\n"),
  ]);
  await buildTargets({ m: { state: merged, image: name } }, { host: engine.host, onNotice: () => {} });
  try {
    const { body } = await dockerApi(engine.socket, `/images/${encodeURIComponent(name)}/json`);
    return (body as { RootFS: { Layers: string[] } }).RootFS.Layers.length;
  } finally {
    await removeImage(engine.socket, name);
  }
}

describe("merge() layers in an exported image", () => {
  for (const engine of [dk26c, dk28]) {
    test(
      `one layer per input with mergeop (${engine?.name ?? "dk26c/dk28"})`,
      { skip: skipWithout(engine) },
      async () => {
        const busybox = (await dockerApi(engine!.socket, "/images/busybox:latest/json")).body as {
          RootFS: { Layers: string[] };
        };
        assert.equal(await mergedLayers(engine!), busybox.RootFS.Layers.length + 2);
      },
    );
  }

  test("one layer for all copies in the fallback (dk26)", { skip: skipWithout(dk26, "dk26") }, async () => {
    const busybox = (await dockerApi(dk26!.socket, "/images/busybox:latest/json")).body as {
      RootFS: { Layers: string[] };
    };
    assert.equal(await mergedLayers(dk26!), busybox.RootFS.Layers.length + 1);
  });
});

function dockerfileOn(engine: TestEngine | undefined, label: string) {
  test(
    `dockerfile() with filename, target and args on ${label}`,
    { skip: skipWithout(engine, label) },
    async () => {
      const built = dockerfile(local(ctx), {
        filename: "Dockerfile.custom",
        target: "final",
        args: { GREETING: "hi there" },
      });
      const composed = image("busybox").copy(built, "/final/out.txt", "/got.txt").run(
        "wc -l < /got.txt >> /got.txt",
      );
      const { dir } = await exported(engine!, "dockerfile", scratch().copy(composed, "/got.txt", "/got.txt"));
      assert.equal(read(dir, "got.txt"), "hello\nhi there\n2\n");
    },
  );
}

describe("dockerfile()", () => {
  dockerfileOn(dk26c, "dk26c");
  dockerfileOn(dk28, "dk28");
  dockerfileOn(dk20, "dk20");
});
