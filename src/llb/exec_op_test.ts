import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { cache, image, scratch, secret, ssh, tmpfs } from "../../mod.ts";
import { marshal } from "./marshal.ts";
import * as pb from "../proto/pb.gen.ts";
import { richGraph } from "../../tests/support/rich_graph.ts";

const P = { platform: "linux/amd64" } as const;

/** The last exec op of the graph (the one nearest the result). */
function execOf(s: Parameters<typeof marshal>[0]) {
  const r = marshal(s);
  const i = r.ops.findLastIndex((o) => o.op.exec);
  const op = r.ops[i];
  return { op: op.op, exec: op.op.exec!, md: r.definition!.metadata![op.digest], result: r };
}

describe("exec op", () => {
  // Pinned from drydock itself; last changed when ssh() took the empty id (as Go's llb) for its agent.
  test("golden digests: every exec and file feature", () => {
    assert.deepEqual(marshal(richGraph()).ops.map((o) => o.digest), [
      "sha256:477f745eeb703f68d0c3550480561aafdeb1c464ba2f60f02785e659b58d6a0d",
      "sha256:e1432b8e2054abb034451c15f0a8ad49d07f5892ca266016226fec77e95d20a0",
      "sha256:342b28523b662b16fb69b4a33463fc97562e268432e4209220f311e2778c17ca",
      "sha256:2654a6cca842302afdc01dc5fee25b45bde8b211adfffdb7a72fbf4ebf89cb6e",
      "sha256:47751a76020c057ea2d581ab51c6ddf83c9fa214b57b08c76c5e003d296ca48b",
      "sha256:c5fe2cf65458e0f022202fbc81d92e92114e715fa4b1818ed317774006dbe853",
      "sha256:1214882014710ae8bfcd8725dd8b5ab02fc9130f6fbccc00e3a443cc461cc91c",
      "sha256:265bac9f71af67e9245960b15431fae7addc980a773525762ac471f6ff8f835f",
      "sha256:c0a8f88158169afbc219b6fb9c78ffed3e87619557c90861875c9ea497afc9fd",
      "sha256:4dac31dd41baca0118e5dedaf26af532dfab8683a595d925cf7e01bea7a07c03",
    ]);
  });

  test("mounts: binds, caches and tmpfs by path, then secrets, then ssh; outputs count writable binds", () => {
    const tools = image("busybox", P).run("true");
    const { exec, op } = execOf(
      image("busybox", P).workdir("/w").run("true", {
        mounts: {
          "/z-out": scratch(),
          "/ro": { from: tools, path: "/bin", readonly: true },
          "/run/s": secret("s"),
          "/cache": cache("c", { sharing: "private" }),
          "/a-out": tools,
          "t": tmpfs({ size: 1024 }),
        },
        ssh: ssh(),
      }),
    );
    assert.equal(op.inputs!.length, 2, "busybox and tools, each listed once");
    assert.deepEqual(exec.mounts, [
      { input: 0n, selector: undefined, dest: "/", readonly: false, mountType: 0, output: 0n },
      { input: 1n, selector: undefined, dest: "/a-out", readonly: false, mountType: 0, output: 1n },
      {
        input: -1n,
        selector: undefined,
        dest: "/cache",
        output: -1n,
        readonly: false,
        mountType: 3,
        cacheOpt: { id: "c", sharing: 1 },
      },
      { input: 1n, selector: "/bin", dest: "/ro", readonly: true, mountType: 0, output: -1n },
      { input: -1n, dest: "/w/t", output: -1n, mountType: 4, tmpfsOpt: { size: 1024n } },
      { input: -1n, selector: undefined, dest: "/z-out", readonly: false, mountType: 0, output: 2n },
      {
        input: -1n,
        dest: "/run/s",
        mountType: 1,
        secretOpt: { id: "s", uid: 0, gid: 0, mode: 0o400, optional: false },
      },
      {
        input: -1n,
        dest: "/run/buildkit/ssh_agent.0",
        mountType: 2,
        sshOpt: { id: "", uid: 0, gid: 0, mode: 0o600, optional: false },
      },
    ]);
    assert.ok(exec.meta!.env!.includes("SSH_AUTH_SOCK=/run/buildkit/ssh_agent.0"));
  });

  test("a mount's result is an output of the exec op", () => {
    const step = image("busybox", P).run("true", { mounts: { "/b": scratch(), "/a": scratch() } });
    const r = marshal(scratch().copy(step.mount("/b"), "/", "/"));
    const exec = r.ops.find((o) => o.op.exec)!;
    assert.deepEqual(r.ops.at(-2)!.op.inputs, [{ digest: exec.digest, index: 2n }], "/, /a, /b");
  });

  test("each field brings its cap; a plain run only the base ones", () => {
    assert.deepEqual(execOf(image("busybox", P).run("true")).md.caps, {
      "exec.meta.base": true,
      "exec.mount.bind": true,
    });
    assert.deepEqual(execOf(scratch().run(["/true"])).md.caps, { "exec.meta.base": true });
    const { md } = execOf(richGraph());
    assert.deepEqual(Object.keys(md.caps!), [
      "exec.meta.base",
      "exec.meta.cgroup.parent",
      "exec.meta.network",
      "exec.meta.proxyenv",
      "exec.meta.security",
      "exec.meta.ulimit",
      "exec.mount.bind",
      "exec.mount.cache",
      "exec.mount.cache.sharing",
      "exec.mount.secret",
      "exec.mount.selector",
      "exec.mount.ssh",
      "exec.mount.tmpfs",
      "exec.mount.tmpfs.size",
      "exec.secretenv",
      "meta.ignorecache",
    ]);
  });

  test("meta carries hostname, hosts, ulimits, cgroup parent and proxy env", () => {
    const { exec } = execOf(richGraph());
    assert.deepEqual(exec.meta, {
      args: ["make", "all"],
      env: ["A=1", "SSH_AUTH_SOCK=/run/buildkit/ssh_agent.0"],
      cwd: "/app",
      user: "1000:1000",
      removeMountStubsRecursive: true,
      hostname: "builder",
      extraHosts: [{ host: "db", ip: "10.0.0.5" }],
      ulimit: [{ name: "nofile", soft: 1024n, hard: 2048n }],
      cgroupParent: "builds",
      proxyEnv: {
        httpProxy: "http://proxy:3128",
        httpsProxy: undefined,
        ftpProxy: undefined,
        noProxy: "localhost",
      },
    });
    assert.equal(exec.network, pb.NetMode.HOST);
    assert.equal(exec.security, pb.SecurityMode.INSECURE);
    assert.deepEqual(exec.secretenv, [
      { id: "token", name: "TOKEN", optional: false },
      { id: "opt", name: "OPT", optional: true },
    ]);
  });

  test("secret values never enter the definition", () => {
    const s = image("busybox", P).run("true", {
      secrets: { T: secret("tok", { value: "hunter2-secret-value" }) },
      mounts: { "/s": secret("file", { value: new TextEncoder().encode("bytes-secret-value") }) },
    });
    const bytes = new TextDecoder().decode(pb.Definition.toBinary(marshal(s).definition!));
    assert.ok(!bytes.includes("hunter2-secret-value"));
    assert.ok(!bytes.includes("bytes-secret-value"));
  });

  test("network none, step overrides and the entitlements a graph needs", () => {
    const none = execOf(image("busybox", P).network("host").run("true", { network: "none" }));
    assert.equal(none.exec.network, pb.NetMode.NONE);
    assert.deepEqual(none.result.entitlements, []);
    assert.deepEqual(marshal(richGraph()).entitlements, ["network.host", "security.insecure"]);
  });

  test("ignoreCache and a progress group go in the metadata; the terminal op lists meta.ignorecache", () => {
    const { md, result } = execOf(image("busybox", P).run("true", { ignoreCache: true, group: "g" }));
    assert.equal(md.ignoreCache, true);
    assert.deepEqual(md.progressGroup, { id: "g", name: "g" });
    const terminal = result.definition!.metadata![result.ops.at(-1)!.digest];
    assert.equal(terminal.caps!["meta.ignorecache"], true);
  });

  test("identical steps share one vertex, which ignores the cache when any of them asks", () => {
    const base = image("busybox", P);
    const r = marshal(
      scratch().copy(base.run("x"), "/a", "/a").copy(base.run("x", { ignoreCache: true }), "/b", "/b"),
    );
    const execs = r.ops.filter((o) => o.op.exec);
    assert.equal(execs.length, 1);
    assert.equal(r.definition!.metadata![execs[0].digest].ignoreCache, true);
    assert.equal(r.definition!.metadata![execs[0].digest].caps!["meta.ignorecache"], true);
  });

  test("ssh targets: relative to the working directory; SSH_AUTH_SOCK kept when set", () => {
    const { exec } = execOf(
      image("busybox", P).workdir("/w").env("SSH_AUTH_SOCK", "/mine").run("x", {
        ssh: { agent: ssh(), target: "agent.sock", uid: 5, gid: 6, mode: 0o660 },
      }),
    );
    assert.deepEqual(exec.mounts!.at(-1), {
      input: -1n,
      dest: "/w/agent.sock",
      mountType: 2,
      sshOpt: { id: "", uid: 5, gid: 6, mode: 0o660, optional: false },
    });
    assert.deepEqual(exec.meta!.env, ["SSH_AUTH_SOCK=/mine"]);
  });

  test("a mount target keeps its trailing slash and an explicit path '/' is a selector, as Go's llb sends them", () => {
    const { exec } = execOf(
      image("busybox", P).run("/dev/pipes/x", {
        mounts: { "/dev/pipes/": { from: scratch(), path: "/", readonly: true } },
      }),
    );
    assert.deepEqual(exec.mounts!.map((m) => [m.dest, m.selector]), [["/", undefined], ["/dev/pipes/", "/"]]);
    const out = image("busybox", P).run("true", { mounts: { "/out/": scratch() } });
    assert.doesNotThrow(() => out.mount("/out"));
  });

  test("ssh() names its agent with the empty id, as Go's llb and the Dockerfile frontend; ssh(id) with its id", () => {
    const { exec } = execOf(
      image("busybox", P).run("x", { ssh: [ssh(), { agent: ssh("default"), target: "/d" }, ssh("deploy")] }),
    );
    assert.deepEqual(exec.mounts!.filter((m) => m.sshOpt).map((m) => m.sshOpt!.id), [
      "",
      "default",
      "deploy",
    ]);
  });

  test("a cache seeded from a state mounts that state's directory as its input", () => {
    const seed = image("busybox", P).workdir("/opt").run("true");
    const { exec, op, md } = execOf(
      image("busybox", P).run("x", {
        mounts: { "/c": cache("c", { from: seed, path: "mods", readonly: true }) },
      }),
    );
    assert.deepEqual(exec.mounts![1], {
      input: 1n,
      selector: "/opt/mods",
      dest: "/c",
      output: -1n,
      readonly: true,
      mountType: 3,
      cacheOpt: { id: "c", sharing: 0 },
    });
    assert.equal(op.inputs!.length, 2);
    assert.equal(md.caps!["exec.mount.selector"], true);
  });
});
