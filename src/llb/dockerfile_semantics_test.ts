// What a Dockerfile's WORKDIR, ENV, COPY and RUN --mount mean, pinned on the LLB a build.ts lowers to
// (the engine side is checked by tests/integration/dockerfile_corpus_test.ts against buildx).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { cache, image, local, scratch } from "../../mod.ts";
import { stateData } from "../dsl/state.ts";
import { imageConfig } from "../solve/image_config.ts";
import { marshal } from "./marshal.ts";
import { baseConfigKey } from "./base_config.ts";

const P = { platform: "linux/amd64" } as const;
const configs = new Map([[
  baseConfigKey("docker.io/library/busybox:latest", { os: "linux", architecture: "amd64" }),
  { Env: ["PATH=/base/bin", "HOME=/root"], WorkingDir: "/w" },
]]);
const fileActions = (s: Parameters<typeof marshal>[0]) =>
  marshal(s, { baseConfigs: configs }).ops.flatMap((o) => o.op.file?.actions ?? []);
const execMeta = (s: Parameters<typeof marshal>[0]) =>
  marshal(s, { baseConfigs: configs }).ops.find((o) => o.op.exec)!.op.exec!;

describe("WORKDIR", () => {
  test("workdir() makes the directory: parents, 0755, as the frontend's mkdir", () => {
    assert.deepEqual(fileActions(image("busybox", P).workdir("/app").workdir("src")).map((a) => a.mkdir), [
      { path: "/app", mode: 0o755, makeParents: true, owner: undefined, timestamp: -1n },
      { path: "/app/src", mode: 0o755, makeParents: true, owner: undefined, timestamp: -1n },
    ]);
  });

  test("scratch().workdir('/x') has /x; workdir('/') makes nothing", () => {
    assert.equal(fileActions(scratch().workdir("/x"))[0].mkdir!.path, "/x");
    assert.equal(fileActions(scratch().workdir("/")).length, 0);
  });

  test("the directory is owned by the user set before it", () => {
    const owner = fileActions(image("busybox", P).user("nobody").workdir("/home/n"))[0].mkdir!.owner;
    assert.deepEqual(owner?.user?.byName?.name, "nobody");
  });

  test("relative to an inherited WORKDIR: /w/sub, and /w (not /w/) itself", () => {
    assert.equal(fileActions(image("busybox", P).workdir("sub"))[0].mkdir!.path, "/w/sub");
    assert.equal(execMeta(image("busybox", P).run("true")).meta!.cwd, "/w");
    const config = imageConfig(image("busybox", P), { config: { WorkingDir: "/w" } });
    assert.equal(config.config.WorkingDir, "/w");
  });
});

describe("COPY destinations", () => {
  test("'.' is the working directory as a directory to copy into", () => {
    const s = image("busybox", P).workdir("/app").copy(local("."), "deps.txt", ".");
    assert.equal(fileActions(s).find((a) => a.copy)!.copy!.dest, "/app/");
  });

  test("'.' under an inherited WORKDIR is /w/", () => {
    const s = image("busybox", P).copy(local("."), "deps.txt", ".");
    assert.equal(fileActions(s).find((a) => a.copy)!.copy!.dest, "/w/");
  });
});

describe("ENV", () => {
  test("$VAR expands from the env in effect; later sets move the name last, as Go's llb", () => {
    const s = scratch().env("A", "1").env("B", "${A}2").env("A", "3").run(["/bin/true"]);
    assert.deepEqual(execMeta(s).meta!.env, ["B=12", "A=3"]);
  });

  test("$PATH of the base image expands once its config is resolved", () => {
    const s = image("busybox", P).env("PATH", "/app/bin:$PATH").env("H", "${HOME:-/none}/x").run("true");
    assert.deepEqual(execMeta(s).meta!.env, ["HOME=/root", "PATH=/app/bin:/base/bin", "H=/root/x"]);
    const config = imageConfig(s, { config: { Env: ["PATH=/base/bin", "HOME=/root"] } });
    assert.deepEqual(config.config.Env, ["PATH=/app/bin:/base/bin", "HOME=/root", "H=/root/x"]);
  });

  test("without the base config the value reads as written; getEnv() shows the same", () => {
    const s = image("busybox", P).env("PATH", "/app/bin:$PATH");
    assert.equal(s.getEnv("PATH"), "/app/bin:${PATH}");
    assert.deepEqual(marshal(s.run("true")).ops.find((o) => o.op.exec)!.op.exec!.meta!.env, [
      "PATH=/app/bin:${PATH}",
    ]);
    assert.deepEqual(stateData(s).settings.baseEnv, { PATH: ["/app/bin:", { name: "PATH" }] });
  });

  test("a bad substitution names the option", () => {
    assert.throws(() => scratch().env("A", "${"), /env\(\): option "value" bad substitution/);
  });
});

describe("RUN --mount", () => {
  test("a relative target under an inherited WORKDIR mounts there", () => {
    const s = image("busybox", P).run("true", { mounts: { "cache": cache("c") } });
    assert.deepEqual(execMeta(s).mounts!.map((m) => m.dest), ["/", "/w/cache"]);
  });
});

describe("WORKDIR under a base image's USER", () => {
  test("the directory belongs to the base image's user once its config is known", () => {
    const withUser = new Map([[
      baseConfigKey("docker.io/library/busybox:latest", { os: "linux", architecture: "amd64" }),
      { WorkingDir: "/w", User: "nobody" },
    ]]);
    const actions = marshal(image("busybox", P).workdir("sub"), { baseConfigs: withUser }).ops
      .flatMap((o) => o.op.file?.actions ?? []);
    assert.equal(actions[0].mkdir!.path, "/w/sub");
    assert.equal(actions[0].mkdir!.owner?.user?.byName?.name, "nobody");
  });
});
