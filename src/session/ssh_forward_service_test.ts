import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SSHService } from "../proto/moby_sshforward_v1.gen.ts";
import { startKeyAgent } from "./key_agent.ts";
import { serveSession } from "./session_test_util.ts";
import { sshForwardMethods } from "./ssh_forward_service.ts";

const SSH_AGENTC_REQUEST_IDENTITIES = 11;
const SSH_AGENT_IDENTITIES_ANSWER = 12;

/** Asks an agent for its identities through ForwardAgent; returns the key comments. */
async function listThroughForward(
  h: Awaited<ReturnType<typeof serveSession>>,
  id: string,
): Promise<string[]> {
  const call = h.bidi(SSHService.forwardAgent, { "buildkit.ssh.id": id });
  const request = Buffer.from([0, 0, 0, 1, SSH_AGENTC_REQUEST_IDENTITIES]);
  call.write({ data: request });
  let buf = Buffer.alloc(0);
  for await (const m of call as AsyncIterable<{ data?: Uint8Array }>) {
    buf = Buffer.concat([buf, Buffer.from(m.data ?? [])]);
    if (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) break;
  }
  call.end();
  assert.equal(buf[4], SSH_AGENT_IDENTITIES_ANSWER);
  const count = buf.readUInt32BE(5);
  const comments: string[] = [];
  let at = 9;
  for (let i = 0; i < count; i++) {
    at += 4 + buf.readUInt32BE(at); // key blob
    const len = buf.readUInt32BE(at);
    comments.push(buf.subarray(at + 4, at + 4 + len).toString("utf8"));
    at += 4 + len;
  }
  return comments;
}

describe("sshForwardMethods() with a key agent", () => {
  test("CheckAgent knows only the given ids; ForwardAgent reaches the agent holding the key", async () => {
    const dir = await mkdtemp(join(tmpdir(), "drydock-ssh-test-"));
    const key = join(dir, "id_ed25519");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "drydock-test-key", "-f", key]);
    const agent = await startKeyAgent([key], 'ssh("deploy")');
    const h = await serveSession(sshForwardMethods(new Map([["deploy", agent.socket]])));
    try {
      await h.unary(SSHService.checkAgent, { id: "deploy" });
      await assert.rejects(
        h.unary(SSHService.checkAgent, { id: "default" }),
        (err: { code: number; details: string }) => {
          assert.equal(err.code, 5);
          assert.match(err.details, /no ssh agent with id "default".*ids: deploy/);
          return true;
        },
      );
      assert.deepEqual(await listThroughForward(h, "deploy"), ["drydock-test-key"]);
      // One stream per agent connection; many at once, as parallel steps make.
      const many = await Promise.all(Array.from({ length: 16 }, () => listThroughForward(h, "deploy")));
      for (const comments of many) assert.deepEqual(comments, ["drydock-test-key"]);
    } finally {
      await h.close();
      await agent.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("startKeyAgent() names the key ssh-add refused", async () => {
    const dir = await mkdtemp(join(tmpdir(), "drydock-ssh-test-"));
    try {
      const bogus = join(dir, "not_a_key");
      await import("node:fs/promises").then((fs) => fs.writeFile(bogus, "hello\n", { mode: 0o600 }));
      await assert.rejects(startKeyAgent([bogus], 'ssh("x")'), (err: Error) => {
        assert.match(err.message, /^ssh\("x"\): ssh-add could not load .*not_a_key/);
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
