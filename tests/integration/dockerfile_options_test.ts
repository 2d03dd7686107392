// dockerfile() with what a build gives every Dockerfile, as buildx gives it: RUN --mount=type=secret and
// type=ssh served from the build's secrets and agents, SOURCE_DATE_EPOCH, --no-cache; and named contexts.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { buildTargets, dockerfile, image, local } from "../../mod.ts";
import { parseSecretSpec } from "../../src/solve/secret_flag.ts";
import { parseSshSpec } from "../../src/solve/ssh_flag.ts";
import { buildxBuild, buildxPlugin } from "../support/buildx.ts";
import { dockerApi, removeImage } from "../support/docker_api.ts";
import { dk20, dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { makeKey } from "../support/ssh_tools.ts";

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), "drydock-dfopt-"));
});
after(() => rmSync(work, { recursive: true, force: true }));

function context(name: string, dockerfileText: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "Dockerfile"), dockerfileText);
  return dir;
}

function optionsOn(engine: TestEngine | undefined, label: string) {
  const skip = skipWithout(engine, label);

  test(`RUN --mount=type=secret and type=ssh are served from the build's --secret and --ssh (${label})`, {
    skip,
  }, async () => {
    const token = join(work, `token-${label}.txt`);
    writeFileSync(token, unique("token"));
    const key = join(work, `key-${label}`);
    makeKey(key, "wrap-test");
    const ctx = context(
      `mounts-${label}`,
      [
        "FROM busybox",
        `RUN --mount=type=secret,id=tok sha256sum /run/secrets/tok | cut -c1-64 > /sum.txt && echo ${
          unique("m")
        }`,
        'RUN --mount=type=ssh test -S "$SSH_AUTH_SOCK" && echo agent > /ssh.txt',
        "",
      ].join("\n"),
    );
    const out = join(work, `mounts-${label}-out`);
    await buildTargets({ m: { state: dockerfile(local(ctx)), output: { type: "local", dest: out } } }, {
      host: engine!.host,
      secrets: [parseSecretSpec(`id=tok,src=${token}`)],
      ssh: [parseSshSpec(`default=${key}`)],
    });
    const sum = createHash("sha256").update(readFileSync(token)).digest("hex");
    assert.equal(readFileSync(join(out, "sum.txt"), "utf8"), `${sum}\n`);
    assert.equal(readFileSync(join(out, "ssh.txt"), "utf8"), "agent\n");
  });

  test(`--no-cache runs the Dockerfile's steps again (${label})`, { skip }, async () => {
    const ctx = context(`nocache-${label}`, `FROM busybox\nRUN echo ${unique("n")} && date +%s%N > /t.txt\n`);
    const runs = async (noCache: boolean) => {
      const cached: boolean[] = [];
      await buildTargets({ n: dockerfile(local(ctx)) }, {
        host: engine!.host,
        noCache,
        onStatus: (_t, s) => {
          for (const v of s.vertexes ?? []) {
            if (v.completed && v.name?.includes("RUN echo")) cached.push(!!v.cached);
          }
        },
      });
      return cached;
    };
    await runs(false);
    assert.deepEqual(await runs(false), [true]);
    assert.ok((await runs(true)).every((c) => !c));
  });

  test(`named contexts: a State and a docker-image:// reference (${label})`, { skip }, async () => {
    const ctx = context(
      `contexts-${label}`,
      "FROM base\nCOPY --from=tools /bin/busybox /tools/busybox\nRUN cat /made.txt > /seen.txt\n",
    );
    const out = join(work, `contexts-${label}-out`);
    const base = image("busybox").run("echo made > /made.txt");
    const building = buildTargets({
      c: {
        state: dockerfile(local(ctx), { contexts: { base, tools: "docker-image://busybox:latest" } }),
        output: { type: "local", dest: out },
      },
    }, { host: engine!.host });
    if (engine!.name === "dk20") {
      // Docker 20.10's frontend predates named contexts (dockerfile 1.4); asked for them as buildx asks, it says so.
      await assert.rejects(building, /unsupported frontend capability moby\.buildkit\.frontend\.contexts/);
      return;
    }
    await building;
    assert.equal(readFileSync(join(out, "seen.txt"), "utf8"), "made\n");
    assert.ok(readFileSync(join(out, "tools", "busybox")).length > 0);
    // build()'s contexts (the CLI's --build-context) replace a dockerfile()'s named context too.
    const tools = join(work, `contexts-${label}-tools`);
    mkdirSync(join(tools, "bin"), { recursive: true });
    writeFileSync(join(tools, "bin", "busybox"), `replaced ${unique(label)}\n`);
    await buildTargets({
      c: {
        state: dockerfile(local(ctx), { contexts: { base, tools: "docker-image://busybox:latest" } }),
        output: { type: "local", dest: out },
      },
    }, { host: engine!.host, contexts: { tools } });
    assert.equal(
      readFileSync(join(out, "tools", "busybox"), "utf8"),
      readFileSync(join(tools, "bin", "busybox"), "utf8"),
    );
  });
}

describe("dockerfile() options", () => {
  optionsOn(dk26c, "dk26c");
  optionsOn(dk20, "dk20");
  optionsOn(dk28, "dk28");

  test("SOURCE_DATE_EPOCH reaches the frontend as buildx passes it: the same creation time (dk26c)", {
    skip: skipWithout(dk26c, "dk26c") || (buildxPlugin ? false : "DRYDOCK_BUILDX is not set"),
  }, async () => {
    const ctx = context("epoch", "FROM busybox\nRUN echo epoch > /e.txt\nENV E=1\n");
    const [bx, dd] = ["bx", "dd"].map((t) => `${unique("drydock-wrap-epoch")}:${t}`);
    try {
      process.env.SOURCE_DATE_EPOCH = "1700000000";
      await buildxBuild(dk26c!, ["-t", bx, ctx]);
      delete process.env.SOURCE_DATE_EPOCH;
      await buildTargets({ e: { state: dockerfile(local(ctx)), image: dd } }, {
        host: dk26c!.host,
        sourceDateEpoch: 1700000000,
      });
      const created = async (name: string) =>
        ((await dockerApi(dk26c!.socket, `/images/${encodeURIComponent(name)}/json`)).body as {
          Created: string;
        })
          .Created;
      assert.equal(await created(dd), "2023-11-14T22:13:20Z");
      assert.equal(await created(dd), await created(bx));
    } finally {
      delete process.env.SOURCE_DATE_EPOCH;
      for (const name of [bx, dd]) await removeImage(dk26c!.socket, name);
    }
  });
});
