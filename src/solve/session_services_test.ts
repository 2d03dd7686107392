import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { image, secret, ssh } from "../../mod.ts";
import { marshal } from "../llb/marshal.ts";
import { SecretsService } from "../proto/moby_buildkit_secrets_v1.gen.ts";
import { SSHService } from "../proto/moby_sshforward_v1.gen.ts";
import { serveSession } from "../session/session_test_util.ts";
import { prepareSessionServices, sessionServiceOptions } from "./session_services.ts";

describe("sessionServiceOptions()", () => {
  test("passes valid options through with the base directory", () => {
    const o = sessionServiceOptions(
      {
        secrets: [{ id: "a", source: { env: "A" } }],
        ssh: [{ id: "default", paths: [] }],
        registryAuth: { "ghcr.io": { token: "t" }, "localhost:5000": { username: "u", password: "" } },
      },
      "/app",
      undefined,
    );
    assert.equal(o.cwd, "/app");
    assert.deepEqual(o.secrets, [{ id: "a", source: { env: "A" } }]);
  });

  test("bad options name the option and the line, never a password", () => {
    const loc = { file: "/app/build.ts", line: 12, column: 7 };
    assert.throws(
      () =>
        sessionServiceOptions(
          { registryAuth: { "ghcr.io": { user: "u", pass: "hunter2" } as never } },
          "/",
          loc,
        ),
      (err: Error) => {
        assert.match(
          err.message,
          /^build\(\): option "registryAuth\.ghcr\.io" must be \{ username, password \} or \{ token \}/,
        );
        assert.match(err.message, /build\.ts:12:7/);
        assert.equal(err.message.includes("hunter2"), false);
        return true;
      },
    );
    assert.throws(
      () => sessionServiceOptions({ secrets: ["id=a,env=A"] as never }, "/", loc),
      /option "secrets\.0" must be an object, got the string "id=a,env=A"/,
    );
  });
});

describe("prepareSessionServices()", () => {
  test("serves the graph's secrets and agents: values by id, NOT_FOUND and an unknown agent otherwise", async () => {
    const { secrets, sshAgents } = marshal(
      image("busybox").run("true", {
        secrets: { T: secret("t", { value: "v" }) },
        ssh: { agent: ssh("absent", { socket: "/nonexistent.sock" }), optional: true },
      }),
    );
    const services = await prepareSessionServices({ secrets, sshAgents }, { env: {}, cwd: "/" });
    const h = await serveSession([...services.methods]);
    try {
      const got = await h.unary(SecretsService.getSecret, { id: "t" });
      assert.equal(new TextDecoder().decode(got.data), "v");
      await assert.rejects(
        h.unary(SecretsService.getSecret, { id: "other" }),
        (e: { code: number }) => e.code === 5,
      );
      await assert.rejects(
        h.unary(SSHService.checkAgent, { id: "absent" }),
        (e: { code: number }) => e.code === 5,
      );
      const advertised = h.headers["X-Docker-Expose-Session-Grpc-Method"] as string[];
      for (
        const m of [
          "/moby.buildkit.secrets.v1.Secrets/GetSecret",
          "/moby.sshforward.v1.SSH/CheckAgent",
          "/moby.sshforward.v1.SSH/ForwardAgent",
          "/moby.filesync.v1.Auth/Credentials",
        ]
      ) assert.ok(advertised.includes(m), m);
    } finally {
      await h.close();
      await services.close();
    }
  });
});
