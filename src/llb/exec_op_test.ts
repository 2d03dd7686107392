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
  test("golden digests: every exec and file feature", () => {
    assert.deepEqual(marshal(richGraph()).ops.map((o) => o.digest), [
      "sha256:477f745eeb703f68d0c3550480561aafdeb1c464ba2f60f02785e659b58d6a0d",
      "sha256:e1432b8e2054abb034451c15f0a8ad49d07f5892ca266016226fec77e95d20a0",
      "sha256:976bd082ade56af6c86231f389c83d40772a2f49417a80ac7df9e8b08cc4e6a5",
      "sha256:96ea4e1ccab19dfce1932b91c04724c585d535a0c69bf93d0f4ae33b10fe2be3",
      "sha256:9e564cdf5a87b61bcfded2d49a9925107ec1ffd92cea26a77c515de98aa1f8cc",
      "sha256:aca37b0d18c4ed06647b71945ca18d55aa9dc66bd03e54faf6e628c9700fd275",
      "sha256:f205fae30776f0158915640e7f628bca8c53baf071466bfc5592083b2f74b745",
      "sha256:66abacfa1ac23956480029e0721240e1d1a2c61bc658b78a7c8b15e46e1f0f4b",
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
        sshOpt: { id: "default", uid: 0, gid: 0, mode: 0o600, optional: false },
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
      sshOpt: { id: "default", uid: 5, gid: 6, mode: 0o660, optional: false },
    });
    assert.deepEqual(exec.meta!.env, ["SSH_AUTH_SOCK=/mine"]);
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
