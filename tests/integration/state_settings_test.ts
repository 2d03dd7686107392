// State settings reach run steps: hostname, extra hosts, network modes,
// ulimits, cgroup parent, proxy env (outside the cache key) and security.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { image, scratch } from "../../mod.ts";
import { dk20, dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { buildFiles } from "../support/build_files.ts";

function settingsOn(engine: TestEngine | undefined, label: string) {
  test(`hostname, addHost and network modes (${label})`, { skip: skipWithout(engine, label) }, async () => {
    const salt = unique("salt");
    const base = image("busybox").env("SALT", salt).hostname("drydock-builder").addHost(
      "db.drydock",
      "10.1.2.3",
    );
    const sandbox = base.run(
      "mkdir -p /r && hostname > /r/hostname && grep db.drydock /etc/hosts > /r/hosts && ls /sys/class/net > /r/net",
    );
    const none = base.network("none").run("mkdir -p /r && ls /sys/class/net > /r/net-none");
    const host = base.run("mkdir -p /r && ls /sys/class/net > /r/net-host", { network: "host" });
    const built = await buildFiles(
      engine!,
      scratch().copy(sandbox, "/r/", "/").copy(none, "/r/", "/").copy(host, "/r/", "/"),
    );
    assert.equal(built.read("hostname"), "drydock-builder\n");
    assert.match(built.read("hosts"), /^10\.1\.2\.3\s+db\.drydock$/m);
    assert.equal(built.read("net-none"), "lo\n", "network none has only loopback");
    assert.notEqual(built.read("net"), "lo\n");
    assert.notEqual(built.read("net-host"), built.read("net"), "host network is not the sandbox's");
  });

  test(`proxy variables reach the step but not its cache key (${label})`, {
    skip: skipWithout(engine, label),
  }, async () => {
    const salt = unique("salt");
    const step = (proxy: string) =>
      image("busybox").proxy({ httpProxy: proxy, noProxy: "localhost" })
        .run(`mkdir -p /r && echo "$http_proxy $no_proxy" > /r/proxy # ${salt}`);
    const first = await buildFiles(engine!, scratch().copy(step("http://one:3128"), "/r/proxy", "/proxy"));
    assert.equal(first.read("proxy"), "http://one:3128 localhost\n");
    const second = await buildFiles(engine!, scratch().copy(step("http://two:3128"), "/r/proxy", "/proxy"));
    assert.equal(second.read("proxy"), "http://one:3128 localhost\n", "the cached result is reused");
  });

  test(`security "insecure" asks for the entitlement the engine does not grant (${label})`, {
    skip: skipWithout(engine, label),
  }, async () => {
    const s = image("busybox").security("insecure").run("true");
    await assert.rejects(buildFiles(engine!, s), /security\.insecure/);
  });
}

describe("state settings", () => {
  settingsOn(dk26c, "Docker 26.1, containerd store");
  settingsOn(dk28, "Docker 28.5, containerd store");
  settingsOn(dk20, "Docker 20.10");

  test("ulimit and cgroupParent apply on BuildKit 0.13 (Docker 26.1, containerd store)", {
    skip: skipWithout(dk26c, "Docker 26.1, containerd store"),
  }, async () => {
    const s = image("busybox").env("SALT", unique("salt")).ulimit("nofile", 1000, 2000).cgroupParent(
      "drydock-test",
    )
      .run(
        "mkdir -p /r && ulimit -Sn > /r/soft && ulimit -Hn > /r/hard && cat /proc/self/cgroup > /r/cgroup",
      );
    const built = await buildFiles(dk26c!, scratch().copy(s, "/r/", "/"));
    assert.equal(built.read("soft"), "1000\n");
    assert.equal(built.read("hard"), "2000\n");
    assert.match(built.read("cgroup"), /^0::\/drydock-test\/buildkit\//m);
  });

  test("ulimit and cgroupParent are refused by name on BuildKit 0.8 (Docker 20.10)", {
    skip: skipWithout(dk20, "Docker 20.10"),
  }, async () => {
    await assert.rejects(
      buildFiles(dk20!, image("busybox").ulimit("nofile", 1000).run("true")),
      /exec\.meta\.ulimit/,
    );
    await assert.rejects(
      buildFiles(dk20!, image("busybox").cgroupParent("drydock").run("true")),
      /exec\.meta\.cgroup\.parent/,
    );
  });
});
