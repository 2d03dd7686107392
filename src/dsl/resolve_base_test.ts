// State.resolved(): a base image's config asked of a resolver function (here a fake), then seen by getEnv(),
// getWorkdir(), $VAR expansion in env(), and lowered to the same LLB the solve's own resolution gives.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { cache, image, local, scratch } from "../../mod.ts";
import { OptionError } from "../core/errors.ts";
import { baseConfigKey } from "../llb/base_config.ts";
import { marshal } from "../llb/marshal.ts";
import type { ImageConfigResolver } from "./resolve_base.ts";
import type { Platform } from "./graph.ts";

const P = { platform: "linux/amd64" } as const;
const BUSYBOX = "docker.io/library/busybox:latest";
const CONFIG = { Env: ["PATH=/base/bin", "HOME=/root"], WorkingDir: "/w", User: "app" };

/** A resolver answering CONFIG, recording what it was asked. */
function fakeResolver(): ImageConfigResolver & { asked: [string, Platform][] } {
  const asked: [string, Platform][] = [];
  const resolver = (ref: string, options: { platform: Platform }) => {
    asked.push([ref, options.platform]);
    return Promise.resolve({ digest: "sha256:00", config: { architecture: "amd64", config: CONFIG } });
  };
  return Object.assign(resolver, { asked });
}

describe("State.resolved", () => {
  test("asks the resolver for the normalized ref at the state's platform, once per call", async () => {
    const resolver = fakeResolver();
    await image("busybox", P).resolved(resolver);
    assert.deepEqual(resolver.asked, [[BUSYBOX, { os: "linux", architecture: "amd64" }]]);
  });

  test("getEnv() sees the base image's env; the state's own values win", async () => {
    const base = await image("busybox", P).resolved(fakeResolver());
    assert.equal(base.getEnv("PATH"), "/base/bin");
    assert.equal(base.getEnv("HOME"), "/root");
    assert.equal(base.getEnv("NOPE"), undefined);
    assert.equal(base.env("HOME", "/home/app").getEnv("HOME"), "/home/app");
    assert.equal(image("busybox", P).getEnv("PATH"), undefined, "unknown before resolution");
  });

  test("$PATH in env() expands from the base image's env, before or after resolving", async () => {
    const after = (await image("busybox", P).resolved(fakeResolver())).env("PATH", "/app/bin:$PATH");
    assert.equal(after.getEnv("PATH"), "/app/bin:/base/bin");
    const before = await image("busybox", P).env("P", "${HOME:-none}:${NOPE:-x}").resolved(fakeResolver());
    assert.equal(before.getEnv("P"), "/root:x");
    assert.equal(image("busybox", P).env("PATH", "/app/bin:$PATH").getEnv("PATH"), "/app/bin:${PATH}");
  });

  test("getWorkdir() builds on the base image's working directory once resolved", async () => {
    const base = await image("busybox", P).resolved(fakeResolver());
    assert.equal(base.getWorkdir(), "/w");
    assert.equal(base.workdir("src").getWorkdir(), "/w/src");
    assert.equal(base.workdir("/abs").getWorkdir(), "/abs");
    assert.equal(image("busybox", P).workdir("src").getWorkdir(), "/src", "unknown base: as if it were /");
  });

  test("lowers to the same ops as the solve's resolution, with no configs passed to marshal", async () => {
    const steps = (s: ReturnType<typeof image>) =>
      s.env("PATH", "/app/bin:$PATH").workdir("src").copy(local("."), "a.txt", ".")
        .run("make", { mounts: { "cache": cache("c") } });
    const resolved = marshal(steps(await image("busybox", P).resolved(fakeResolver())));
    const configs = new Map([[baseConfigKey(BUSYBOX, { os: "linux", architecture: "amd64" }), CONFIG]]);
    const bySolve = marshal(steps(image("busybox", P)), { baseConfigs: configs });
    assert.deepEqual(resolved.ops.map((o) => o.digest), bySolve.ops.map((o) => o.digest));
    const exec = resolved.ops.find((o) => o.op.exec)!.op.exec!;
    assert.equal(exec.meta!.cwd, "/w/src");
    assert.equal(exec.meta!.user, "app");
    assert.ok(exec.meta!.env!.includes("PATH=/app/bin:/base/bin"));
    assert.ok(exec.mounts!.some((m) => m.dest === "/w/src/cache"));
    const unresolved = marshal(steps(image("busybox", P)));
    assert.notDeepEqual(unresolved.ops.map((o) => o.digest), resolved.ops.map((o) => o.digest));
  });

  test("a state with no base image is returned unchanged, without asking", async () => {
    const resolver = fakeResolver();
    const s = scratch().env("A", "1");
    assert.equal(await s.resolved(resolver), s);
    assert.deepEqual(resolver.asked, []);
  });

  test("a bad resolver or answer is an OptionError naming resolved()", async () => {
    await assert.rejects(
      image("busybox", P).resolved("nope" as unknown as ImageConfigResolver),
      (e) => e instanceof OptionError && /resolved.*resolver.*must be a function/s.test(e.message),
    );
    const bad: ImageConfigResolver = () => Promise.resolve({ config: { config: { Env: "PATH=/bin" } } });
    await assert.rejects(
      image("busybox", P).resolved(bad),
      (e) => e instanceof OptionError && /config\.Env is not a list of strings/.test(e.message),
    );
  });
});
