import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { image, scratch } from "../../mod.ts";
import { marshal } from "./marshal.ts";
import { baseConfigKey, inheritedCwd, mergeEnv } from "./base_config.ts";

describe("mergeEnv()", () => {
  test("replaces same names in place and appends new ones", () => {
    assert.deepEqual(mergeEnv(["PATH=/bin", "A=1", "B"], ["A=2", "C=3", "B=x"]), [
      "PATH=/bin",
      "A=2",
      "B=x",
      "C=3",
    ]);
  });
});

describe("inheritedCwd()", () => {
  test("the state's root is the base's working directory itself, without a trailing slash", () => {
    const inherit = { image: "x", platform: { os: "linux", architecture: "amd64" }, cwd: true, user: true };
    assert.equal(inheritedCwd("/", inherit, { WorkingDir: "/app" }), "/app");
    assert.equal(inheritedCwd("/src", inherit, { WorkingDir: "/app/" }), "/app/src");
    assert.equal(inheritedCwd("/", inherit, { WorkingDir: "/" }), "/");
  });
});

describe("marshal() with base configs", () => {
  const platform = { os: "linux", architecture: "amd64" };
  const configs = new Map([[
    baseConfigKey("docker.io/library/busybox:latest", platform),
    { Env: ["PATH=/base/bin", "X=base"], WorkingDir: "/app", User: "nobody" },
  ]]);
  const execMeta = (state: ReturnType<typeof image>) =>
    marshal(state, { baseConfigs: configs }).ops.find((o) => o.op.exec)!.op.exec!.meta!;

  test("run steps start from the base env, working directory and user", () => {
    const meta = execMeta(
      image("busybox", { platform: "linux/amd64" }).env("X", "mine").workdir("src").run("true"),
    );
    assert.deepEqual(meta.env, ["PATH=/base/bin", "X=mine"]);
    assert.equal(meta.cwd, "/app/src");
    assert.equal(meta.user, "nobody");
  });

  test("explicit workdir/user (state or step) win", () => {
    const meta = execMeta(
      image("busybox", { platform: "linux/amd64" }).user("root").run("true", { workdir: "/x" }),
    );
    assert.equal(meta.cwd, "/x");
    assert.equal(meta.user, "root");
  });

  test("without resolved configs the definition is unchanged", () => {
    const s = image("busybox", { platform: "linux/amd64" }).run("true");
    const plain = marshal(s).ops.find((o) => o.op.exec)!.op.exec!.meta!;
    assert.deepEqual([plain.env, plain.cwd, plain.user], [[], "/", ""]);
    assert.equal(marshal(s).ops.at(-1)!.digest, marshal(s, { baseConfigs: new Map() }).ops.at(-1)!.digest);
  });

  test("relative file-op paths move under the base working directory; absolute ones stay", () => {
    const s = image("busybox", { platform: "linux/amd64" }).workdir("src")
      .mkdir("made")
      .mkfile("/abs.txt", "a")
      .copy(image("busybox", { platform: "linux/amd64" }), "from/x", "into/");
    const file = marshal(s, { baseConfigs: configs }).ops.filter((o) => o.op.file).flatMap((o) =>
      o.op.file!.actions!
    );
    assert.deepEqual(file.filter((a) => a.mkdir).map((a) => a.mkdir!.path), ["/app/src", "/app/src/made"]);
    assert.equal(file.find((a) => a.mkfile)!.mkfile!.path, "/abs.txt");
    const copy = file.find((a) => a.copy)!.copy!;
    assert.equal(copy.dest, "/app/src/into/");
    assert.equal(copy.src, "/app/from/x");
  });

  test("scratch-based steps have no base", () => {
    const meta = marshal(scratch().run("true"), { baseConfigs: configs }).ops.find((o) => o.op.exec)!.op.exec!
      .meta!;
    assert.deepEqual(meta.env, []);
  });
});
