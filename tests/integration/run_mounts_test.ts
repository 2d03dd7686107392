// run(): bind mounts (subpath, readonly, writable results), cache, tmpfs,
// optional secrets and ssh agents, ignoreCache, names and progress groups,
// checked inside the built filesystem on real engines.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { cache, image, scratch, secret, ssh, type State, tmpfs } from "../../mod.ts";
import { dk20, dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { buildFiles } from "../support/build_files.ts";

const SCRIPT = [
  "set -e",
  "mkdir -p /r",
  "cat /ro/f.txt > /r/bind-selector.txt",
  "(touch /ro/x 2>/dev/null && echo writable || echo readonly) > /r/ro.txt",
  "echo changed > /rw/data/top.txt",
  "echo made > /out/made.txt",
  'echo "$TOKEN" > /cache/token',
  "grep ' /tmp/t ' /proc/mounts > /r/tmpfs.txt",
  "(test -e /run/secrets/opt && echo present || echo absent) > /r/secret.txt",
  '(test -S "$SSH_AUTH_SOCK" && echo sock || echo nosock) > /r/ssh.txt',
  'echo "$SSH_AUTH_SOCK" >> /r/ssh.txt',
].join("\n");

function mountsStep(cacheId: string, token: string, tmpfsSize: string | undefined): State {
  const data = image("busybox").run(
    "mkdir -p /data/sub && echo sub > /data/sub/f.txt && echo top > /data/top.txt",
  );
  const step = image("busybox").env("TOKEN", token).run(SCRIPT, {
    mounts: {
      "/ro": { from: data, path: "/data/sub", readonly: true },
      "/rw": data,
      "/out": scratch(),
      "/cache": cache(cacheId, { sharing: "locked" }),
      "/tmp/t": tmpfs(tmpfsSize ? { size: tmpfsSize } : {}),
      "/run/secrets/opt": { secret: secret(unique("drydock-absent")), optional: true },
    },
    // A socket that is not there: the optional agent is left out, whatever SSH_AUTH_SOCK says.
    ssh: { agent: ssh(unique("drydock-agent"), { socket: "/nonexistent/agent.sock" }), optional: true },
    name: "mounts step",
    group: "drydock-group",
  });
  return scratch()
    .copy(step, "/r", "/results/")
    .copy(step.mount("/out"), "/", "/out/")
    .copy(step.mount("/rw"), "/data/top.txt", "/rw-top.txt");
}

function mountsOn(engine: TestEngine | undefined, label: string, tmpfsSize: string | undefined) {
  test(`bind, cache, tmpfs, optional secret and ssh mounts (${label})`, {
    skip: skipWithout(engine, label),
  }, async () => {
    const cacheId = unique("drydock-cache");
    const token = unique("token");
    const built = await buildFiles(engine!, mountsStep(cacheId, token, tmpfsSize));
    assert.equal(built.read("results/bind-selector.txt"), "sub\n", "path mounts a subtree");
    assert.equal(built.read("results/ro.txt"), "readonly\n");
    assert.equal(built.read("out/made.txt"), "made\n", "a writable mount's result is a state");
    assert.equal(built.read("rw-top.txt"), "changed\n");
    assert.match(built.read("results/tmpfs.txt"), /^tmpfs \/tmp\/t tmpfs /);
    if (tmpfsSize) assert.match(built.read("results/tmpfs.txt"), /size=1024k/);
    assert.equal(built.read("results/secret.txt"), "absent\n", "an optional secret may be missing");
    assert.equal(built.read("results/ssh.txt"), "nosock\n/run/buildkit/ssh_agent.0\n");

    // The cache outlives the build: another step with the same id reads it. The engine
    // leaves cache ids out of cache keys, so the command names the token to be a new step.
    const reader = image("busybox").run(`mkdir -p /r && cat /cache/token > /r/token # ${token}`, {
      mounts: { "/cache": cache(cacheId) },
    });
    const again = await buildFiles(engine!, scratch().copy(reader, "/r/token", "/token"));
    assert.equal(again.read("token"), `${token}\n`);

    // A custom name replaces the step's description; the build.ts stage and position stay in front.
    const unstaged = (name: string | undefined) => name?.replace(/^\[\S+ \d+\/\d+\] /, "");
    const names = built.statuses.flatMap((s) => s.vertexes ?? []).map((v) => v.name);
    assert.ok(
      names.some((n) => unstaged(n) === "mounts step"),
      `custom step name in progress: ${names.join(" | ")}`,
    );
    if (engine!.name !== "dk20") {
      const grouped = built.statuses.flatMap((s) => s.vertexes ?? []).find((v) =>
        unstaged(v.name) === "mounts step"
      );
      assert.equal(grouped?.progressGroup?.name, "drydock-group");
    }
  });
}

function seededCacheOn(engine: TestEngine | undefined, label: string) {
  test(
    `a cache seeded from a state starts with its files (${label})`,
    { skip: skipWithout(engine, label) },
    async () => {
      const token = unique("seed");
      const seed = image("busybox").run(`mkdir -p /seed/dir && echo ${token} > /seed/dir/file`);
      const step = image("busybox").run("mkdir -p /r && cat /c/file > /r/seeded", {
        mounts: { "/c": cache(unique("drydock-seeded"), { from: seed, path: "/seed/dir", readonly: true }) },
      });
      const built = await buildFiles(engine!, scratch().copy(step, "/r/seeded", "/seeded"));
      assert.equal(built.read("seeded"), `${token}\n`);
    },
  );
}

function ignoreCacheOn(engine: TestEngine | undefined, label: string) {
  test(`ignoreCache reruns a step that would otherwise be cached (${label})`, {
    skip: skipWithout(engine, label),
  }, async () => {
    const base = image("busybox").env("SALT", unique("salt"));
    // Different commands: identical ops would be one vertex, with one metadata.
    const fresh = base.run("mkdir -p /r && cat /proc/sys/kernel/random/uuid > /r/fresh", {
      ignoreCache: true,
    });
    const cached = base.run("mkdir -p /r && cat /proc/sys/kernel/random/uuid > /r/cached");
    const files = scratch().copy(fresh, "/r/fresh", "/fresh").copy(cached, "/r/cached", "/cached");
    const first = await buildFiles(engine!, files);
    const second = await buildFiles(engine!, files);
    assert.notEqual(first.read("fresh"), second.read("fresh"));
    assert.equal(first.read("cached"), second.read("cached"));
  });
}

function requiredSecretOn(engine: TestEngine | undefined, label: string) {
  test(`a required secret that nobody provides fails before the solve (${label})`, {
    skip: skipWithout(engine, label),
  }, async () => {
    const id = unique("drydock-missing");
    const s = image("busybox").run("cat /run/secrets/x", { mounts: { "/run/secrets/x": secret(id) } });
    await assert.rejects(buildFiles(engine!, s), (err: Error) => {
      // The session checks secrets before solving, so the engine is never asked.
      assert.match(err.message, new RegExp(`secret "${id}" \\(used at .*\\): has no source in build\\.ts`));
      return true;
    });
  });
}

describe("run() mounts and step options", () => {
  mountsOn(dk26c, "Docker 26.1, containerd store", "1m");
  mountsOn(dk28, "Docker 28.5, containerd store", "1m");
  mountsOn(dk20, "Docker 20.10", undefined);
  seededCacheOn(dk26c, "Docker 26.1, containerd store");
  seededCacheOn(dk28, "Docker 28.5, containerd store");
  seededCacheOn(dk20, "Docker 20.10");
  ignoreCacheOn(dk26c, "Docker 26.1, containerd store");
  ignoreCacheOn(dk28, "Docker 28.5, containerd store");
  ignoreCacheOn(dk20, "Docker 20.10");
  requiredSecretOn(dk26c, "Docker 26.1, containerd store");
  requiredSecretOn(dk28, "Docker 28.5, containerd store");
  requiredSecretOn(dk20, "Docker 20.10");

  test(
    "secrets as env vars need BuildKit 0.13: Docker 20.10 refuses them by name, never ignores them (Docker 20.10)",
    {
      skip: skipWithout(dk20, "Docker 20.10"),
    },
    async () => {
      const s = image("busybox").run("true", { secrets: { T: { secret: secret("t"), optional: true } } });
      await assert.rejects(buildFiles(dk20!, s), /exec\.secretenv/);
    },
  );

  test("a required ssh agent that nobody provides fails the step (Docker 26.1, containerd store)", {
    skip: skipWithout(dk26c, "Docker 26.1, containerd store"),
  }, async () => {
    const id = unique("drydock-agent");
    const agent = ssh(id, { socket: "/nonexistent/agent.sock" });
    await assert.rejects(buildFiles(dk26c!, image("busybox").run("true", { ssh: agent })), new RegExp(id));
  });

  test("tmpfs size needs BuildKit 0.13: Docker 20.10 refuses it by name (Docker 20.10)", {
    skip: skipWithout(dk20, "Docker 20.10"),
  }, async () => {
    const s = image("busybox").run("true", { mounts: { "/t": tmpfs({ size: "1m" }) } });
    await assert.rejects(buildFiles(dk20!, s), /exec\.mount\.tmpfs\.size/);
  });
});
