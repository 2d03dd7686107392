// SSH agent forwarding on real engines: the host's ssh-add, run inside busybox steps, lists the
// keys of $SSH_AUTH_SOCK, of a named agent socket, and of an agent made for key files.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildTargets, image, local, ssh, SshUnavailableError } from "../../mod.ts";
import { parseSshSpec } from "../../src/solve/ssh_flag.ts";
import { dk20, dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { runBuildFile } from "../support/runtime.ts";
import { bundleSshAdd, makeKey, SSH_ADD_IN_STEP, startAgent } from "../support/ssh_tools.ts";

const FIXTURE = fileURLToPath(new URL("../fixtures/ssh/build.ts", import.meta.url));

interface Fixture {
  dir: string;
  tools: string;
  keyA: string;
  fpA: string;
  keyB: string;
  fpB: string;
  /** An ssh-agent holding key A. */
  socketA: string;
  agent: ChildProcess;
}

async function withFixture(fn: (f: Fixture) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "drydock-ssh-"));
  const tools = join(dir, "tools");
  bundleSshAdd(tools);
  const keyA = join(dir, "key_a"), keyB = join(dir, "key_b");
  const fpA = makeKey(keyA, "drydock-key-a");
  const fpB = makeKey(keyB, "drydock-key-b");
  const socketA = join(dir, "agent.sock");
  const agent = await startAgent(socketA, [keyA]);
  try {
    await fn({ dir, tools, keyA, fpA, keyB, fpB, socketA, agent });
  } finally {
    // The agent removes its socket as it exits: removing the folder meanwhile left it half-removed on Bun.
    if (agent.exitCode === null && agent.signalCode === null) {
      const exited = once(agent, "exit");
      agent.kill();
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function programOn(engine: TestEngine | undefined, label: string) {
  test(`ssh() forwards SSH_AUTH_SOCK and ssh("deploy", { keys }) an agent holding the key (${label})`, {
    skip: skipWithout(engine, label),
  }, () =>
    withFixture(async (f) => {
      const out = join(f.dir, "out");
      const env = {
        DOCKER_HOST: `unix://${engine!.socket}`,
        BUILDKIT_HOST: undefined,
        SSH_AUTH_SOCK: f.socketA,
        DRYDOCK_TEST_TOOLS: f.tools,
        DRYDOCK_TEST_SSH_ADD: SSH_ADD_IN_STEP,
        DRYDOCK_TEST_KEY: f.keyB,
        DRYDOCK_TEST_OUT: out,
        DRYDOCK_TEST_NONCE: unique("nonce"),
      };
      const r = await runBuildFile(FIXTURE, [], env);
      assert.equal(r.code, 0, r.stderr);
      const listed = (file: string) => readFileSync(join(out, "out", file), "utf8");
      assert.match(
        listed("default.txt"),
        new RegExp(`^256 ${escape(f.fpA)} drydock-key-a \\(ED25519\\)$`, "m"),
      );
      assert.doesNotMatch(listed("default.txt"), /drydock-key-b/);
      assert.match(
        listed("deploy.txt"),
        new RegExp(`^256 ${escape(f.fpB)} drydock-key-b \\(ED25519\\)$`, "m"),
      );
      assert.doesNotMatch(listed("deploy.txt"), /drydock-key-a/);

      // --ssh on the command line replaces build.ts's agent for that id.
      const overridden = await runBuildFile(FIXTURE, ["--ssh", `deploy=${f.socketA}`], {
        ...env,
        DRYDOCK_TEST_NONCE: unique("nonce"),
      });
      assert.equal(overridden.code, 0, overridden.stderr);
      assert.match(listed("deploy.txt"), /drydock-key-a/);
      assert.doesNotMatch(listed("deploy.txt"), /drydock-key-b/);
    }));
}

function namedOn(engine: TestEngine | undefined, label: string) {
  test(`a named agent socket, and --ssh overriding it with a key file (${label})`, {
    skip: skipWithout(engine, label),
  }, () =>
    withFixture(async (f) => {
      const step = (nonce: string) =>
        image("busybox:latest").run(`echo ${nonce}; mkdir /out; ${SSH_ADD_IN_STEP} -l > /out/keys.txt`, {
          mounts: { "/tools": local(f.tools) },
          ssh: { agent: ssh("named", { socket: f.socketA }), target: "/tmp/agent.sock" },
        });
      const run = async (options: Parameters<typeof buildTargets>[1]) => {
        const out = join(f.dir, unique("out"));
        mkdirSync(out);
        await buildTargets({ s: { state: step(unique("nonce")), output: { type: "local", dest: out } } }, {
          host: engine!.host,
          ...options,
        });
        return readFileSync(join(out, "out", "keys.txt"), "utf8");
      };
      assert.match(await run({}), new RegExp(`${escape(f.fpA)} drydock-key-a`));
      const overridden = await run({ ssh: [parseSshSpec(`named=${f.keyB}`)] });
      assert.match(overridden, new RegExp(`${escape(f.fpB)} drydock-key-b`));
      assert.doesNotMatch(overridden, /drydock-key-a/);
    }));
}

function missingOn(engine: TestEngine | undefined, label: string) {
  test(`a required agent that is missing fails before the solve, naming it and the line (${label})`, {
    skip: skipWithout(engine, label),
  }, async () => {
    const gone = join(tmpdir(), unique("no-agent"), "agent.sock");
    const state = image("busybox:latest").run("true", { ssh: ssh("gone", { socket: gone }) }); // line checked
    const line = Number(new Error().stack!.match(/ssh_test\.ts:(\d+)/)![1]) - 1;
    let statuses = 0;
    await assert.rejects(
      buildTargets({ s: state }, { host: engine!.host, onStatus: () => statuses++ }),
      (err: Error) => {
        assert.ok(err instanceof SshUnavailableError, String(err));
        assert.match(
          err.message,
          new RegExp(`^ssh agent "gone" \\(used at .*ssh_test\\.ts:${line}:\\d+\\): `),
        );
        assert.match(err.message, /is not an ssh-agent socket/);
        return true;
      },
    );
    assert.equal(statuses, 0, "nothing reached the engine");
  });
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

describe("ssh agent forwarding", () => {
  programOn(dk26c, "Docker 26.1, containerd store");
  programOn(dk28, "Docker 28.5, containerd store");
  programOn(dk20, "Docker 20.10");
  namedOn(dk26c, "Docker 26.1, containerd store");
  namedOn(dk28, "Docker 28.5, containerd store");
  missingOn(dk26c, "Docker 26.1, containerd store");
  missingOn(dk28, "Docker 28.5, containerd store");
});
