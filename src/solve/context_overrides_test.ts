import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { context, dockerfile, image, local, scratch } from "../../mod.ts";
import { DrydockError, isUsageError } from "../core/errors.ts";
import { type State, stateData } from "../dsl/state.ts";
import { parsePlatform } from "../core/platform.ts";
import { baseConfigKey } from "../llb/base_config.ts";
import { marshal } from "../llb/marshal.ts";
import { baseImagesOf, contextBases, withContextBases } from "./base_configs.ts";
import { resolveContextOverrides } from "./context_overrides.ts";
import { resolveTargets, type Targets } from "./targets.ts";

const targets: Targets = {
  app: image("busybox").copy(context("src", local("a")), ".", "/app"),
  legacy: dockerfile(local("."), { contexts: { base: local("b") } }),
  other: scratch().mkfile("/f", "x"),
};
const all = resolveTargets(targets, "/p");
const resolveWith = (contexts: Record<string, string>, selected = all) =>
  resolveContextOverrides(contexts, targets, selected, "/p");

test("values become states: a directory a local source, an image an image source, a target its state", () => {
  const dir = mkdtempSync(join(tmpdir(), "drydock-ctx-unit-"));
  try {
    const r = resolveWith({ src: dir, base: "docker-image://alpine:3" });
    const src = stateData(r.states.get("src")!).output!.op;
    assert.ok(src.kind === "source" && src.type === "local" && src.dir === dir);
    const base = stateData(r.states.get("base")!).output!.op;
    assert.ok(base.kind === "source" && base.type === "image" && base.ref === "docker.io/library/alpine:3");
    assert.deepEqual(r.described, [`src=${dir}`, "base=docker-image://alpine:3"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(resolveWith({ src: "target:other" }).states.get("src"), all[2].state);
});

test("an unknown name is a usage error listing the names the targets built declare", () => {
  assert.throws(() => resolveWith({ sources: "." }), (err: unknown) => {
    assert.ok(err instanceof DrydockError && isUsageError(err));
    assert.match(err.message, /unknown build context "sources": the targets built declare base, src/);
    return true;
  });
  // Only the targets built count.
  assert.throws(() => resolveWith({ base: "." }, [all[0]]), /declare src \(with context/);
});

test("values that cannot be used say which context and why", () => {
  assert.throws(
    () => resolveWith({ src: "/no/such/dir" }),
    /build context src: \/no\/such\/dir is not a directory/,
  );
  assert.throws(
    () => resolveWith({ src: "docker-image://UPPER" }),
    /build context src: docker-image:\/\/UPPER is not/,
  );
  assert.throws(
    () => resolveWith({ src: "target:nope" }),
    /no target "nope" \(targets: app, legacy, other\)/,
  );
  assert.throws(
    () => resolveWith({ src: "oci-layout:///l" }),
    /contexts\.src.*oci-layout:\/\/ is not supported/,
  );
  assert.throws(() => resolveWith({ Src: "." }), /contexts\.Src.*the name must be image-name-like/);
});

test("steps on a context inherit the base config of what it stands for: its default, or its override", () => {
  const P = { platform: "linux/amd64" } as const;
  const key = (ref: string) => baseConfigKey(ref, parsePlatform(P.platform));
  const last = (s: State, o: Parameters<typeof marshal>[1]) => marshal(s, o).ops.at(-1)!.digest;
  const named = context("base", image("busybox", P)).run("pwd");
  const configs = new Map<string, { Env?: string[]; WorkingDir?: string }>([
    [key("docker.io/library/busybox:latest"), { Env: ["PATH=/bin"], WorkingDir: "/b" }],
    [key("docker.io/library/alpine:3"), { Env: ["PATH=/a"], WorkingDir: "/a" }],
  ]);
  assert.equal(
    last(named, { baseConfigs: withContextBases(configs, contextBases([named])) }),
    last(image("busybox", P).run("pwd"), { baseConfigs: configs }),
  );
  const contexts = new Map([["base", image("alpine:3", P)]]);
  assert.deepEqual(baseImagesOf([named], contexts).map((b) => b.image), ["docker.io/library/alpine:3"]);
  assert.equal(
    last(named, { contexts, baseConfigs: withContextBases(configs, contextBases([named], contexts)) }),
    last(image("alpine:3", P).run("pwd"), { baseConfigs: configs }),
  );
  // A directory has no config: the steps get none.
  const dir = new Map([["base", local("d")]]);
  const none = withContextBases(configs, contextBases([named], dir), {});
  assert.deepEqual([...none.values()].at(-1), {});
});
