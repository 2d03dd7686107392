import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { image, OptionError, secret, ssh } from "../../mod.ts";
import { marshal } from "./marshal.ts";

const P = { platform: "linux/amd64" } as const;

describe("secrets, ssh agents and entitlements in the marshal result", () => {
  test("secrets by id: the declared source, optional only when every use is, and each use's line", () => {
    const token = secret("token", { env: "TOKEN" });
    const s = image("busybox", P)
      .run("a", { secrets: { T: { secret: token, optional: true } } })
      .run("b", { mounts: { "/t": secret("token") } })
      .run("c", { mounts: { "/o": { secret: secret("opt"), optional: true } } });
    const { secrets } = marshal(s);
    assert.deepEqual([...secrets.keys()].sort(), ["opt", "token"]);
    const t = secrets.get("token")!;
    assert.equal(t.secret, token, "the use that names a source wins over a bare id");
    assert.equal(t.optional, false, "one required use makes it required");
    assert.equal(t.locations.length, 2);
    assert.equal(secrets.get("opt")!.optional, true);
    assert.equal(secrets.get("opt")!.secret.source, undefined, "no source: it must come from the CLI");
  });

  test("two different sources for one secret id is an error naming both lines", () => {
    const s = image("busybox", P)
      .run("a", { secrets: { A: secret("x", { env: "ONE" }) } })
      .run("b", { secrets: { B: secret("x", { env: "TWO" }) } });
    assert.throws(() => marshal(s), (err: unknown) => {
      assert.ok(err instanceof OptionError);
      assert.match(
        err.message,
        /^secret\(\): option "id" "x" is declared twice with different sources \(first at .*uses_test\.ts:\d+:\d+\)/,
      );
      assert.ok(!err.message.includes("ONE") && !err.message.includes("TWO"), "no source details in errors");
      return true;
    });
  });

  test("ssh agents by id", () => {
    const deploy = ssh("deploy", { keys: ["./k"] });
    const { sshAgents } = marshal(
      image("busybox", P).run("a", { ssh: [ssh(), { agent: deploy, optional: true }] }),
    );
    assert.deepEqual([...sshAgents.keys()], ["default", "deploy"]);
    assert.equal(sshAgents.get("deploy")!.agent, deploy);
    assert.equal(sshAgents.get("deploy")!.optional, true);
    assert.equal(sshAgents.get("default")!.optional, false);
  });

  test("entitlements: host network and insecure security", () => {
    assert.deepEqual(marshal(image("busybox", P).run("a")).entitlements, []);
    assert.deepEqual(marshal(image("busybox", P).network("host").run("a")).entitlements, ["network.host"]);
    assert.deepEqual(
      marshal(image("busybox", P).run("a", { security: "insecure" })).entitlements,
      ["security.insecure"],
    );
  });
});
