import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SshAgent, SshOptions } from "../dsl/secrets.ts";
import type { SshUse } from "../llb/uses.ts";
import { resolveSshAgents, SshUnavailableError } from "./ssh_resolution.ts";

function use(id: string, options: SshOptions = {}, optional = false): [string, SshUse] {
  const agent: SshAgent = {
    kind: "ssh",
    id,
    ...options,
    location: { file: "/app/build.ts", line: 4, column: 1 },
  };
  return [id, { agent, optional, locations: [{ file: "/app/build.ts", line: 7, column: 5 }] }];
}

async function withSocket(fn: (dir: string, socket: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "drydock-ssh-res-"));
  const socket = join(dir, "agent.sock");
  const server = createServer(() => {});
  await new Promise<void>((r) => server.listen(socket, r));
  try {
    await fn(dir, socket);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("resolveSshAgents()", () => {
  test("SSH_AUTH_SOCK for ssh() without options, a named socket, and --ssh socket or key overrides", () =>
    withSocket(async (dir, socket) => {
      const key = join(dir, "id");
      execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]);
      const agents = await resolveSshAgents(
        new Map([use("default"), use("named", { socket }), use("over", { socket: "/nonexistent.sock" })]),
        {
          env: { SSH_AUTH_SOCK: socket },
          cwd: dir,
          overrides: [{ id: "over", paths: ["agent.sock"] }, { id: "keys", paths: ["id"] }],
        },
      );
      try {
        assert.equal(agents.sockets.get("default"), socket);
        assert.equal(agents.sockets.get("named"), socket);
        assert.equal(agents.sockets.get("over"), socket, "a relative --ssh path resolves against cwd");
        const made = agents.sockets.get("keys")!;
        assert.notEqual(made, socket, "key files get an agent of their own");
        const listed = execFileSync("ssh-add", ["-l"], { env: { SSH_AUTH_SOCK: made }, encoding: "utf8" });
        assert.match(listed, /ED25519/);
      } finally {
        await agents.close();
      }
    }));

  test("missing agents: required ones fail naming id and use; optional ones are left out", async () => {
    const optional = await resolveSshAgents(new Map([use("default", {}, true)]), { env: {}, cwd: "/" });
    assert.equal(optional.sockets.size, 0);

    const cases: [SshOptions, RegExp][] = [
      [{}, /SSH_AUTH_SOCK is not set/],
      [{ socket: "/nonexistent/agent.sock" }, /\/nonexistent\/agent\.sock is not an ssh-agent socket/],
      [{ keys: ["/nonexistent/id_rsa"] }, /key file not found: \/nonexistent\/id_rsa/],
    ];
    for (const [options, reason] of cases) {
      await assert.rejects(
        resolveSshAgents(new Map([use("x", options)]), { env: {}, cwd: "/" }),
        (err: Error) => {
          assert.ok(err instanceof SshUnavailableError);
          assert.match(err.message, /^ssh agent "x" \(used at .*build\.ts:7:5\): /);
          assert.match(err.message, reason);
          return true;
        },
      );
    }
  });
});
