// Every example of the cookbook (examples/*/build.ts, docs/cookbook.md) built as a user runs it, on dk26c.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { dk26c, skipWithout, unique } from "../support/engines.ts";
import { registry } from "../support/registry.ts";
import { type ProgramResult, runBuildFile } from "../support/runtime.ts";

const EXAMPLES = fileURLToPath(new URL("../../examples/", import.meta.url));
const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
const runtime = isDeno ? "deno" : "bun";

interface Example {
  args?: string[];
  env?: Record<string, string>;
  check(r: ProgramResult, dir: string): void | Promise<void>;
}

const read = (dir: string, path: string) => readFileSync(join(dir, "out", path), "utf8");

const EXAMPLES_CHECKS: Record<string, Example> = {
  hello: {
    args: ["hello", "files"],
    check: (r, dir) => {
      assert.match(r.stderr, /hello: image drydock-hello:latest/);
      assert.ok(existsSync(join(dir, "out", "app", "greeting.txt")));
    },
  },
  "multi-stage": {
    args: ["app", "files"],
    check: (r, dir) => {
      assert.match(r.stderr, /app: image drydock-example-multi-stage:latest/);
      assert.deepEqual(readdirSync(join(dir, "out")).sort(), ["bin", "hello"]);
    },
  },
  "cache-secrets-ssh": {
    // Secrets and agents are not part of a step's cache key: run the steps again to see this run's.
    args: ["--no-cache"],
    env: { API_TOKEN: "s3cret-token" },
    check: (r, dir) => {
      assert.equal(read(dir, "token.txt"), "token of 12 characters\n");
      assert.equal(read(dir, "token-file.txt").trim(), "12");
      assert.equal(read(dir, "ssh.txt"), "forwarded\n");
      assert.match(read(dir, "cached-runs.txt"), /^\s*\d+\n$/);
      assert.ok(!(r.stdout + r.stderr).includes("s3cret-token"), "the secret leaked into the output");
    },
  },
  params: {
    args: ["app", "files", "--app-version", "1.2", "--debug"],
    check: (r, dir) => {
      assert.match(r.stderr, /app: image drydock-example-params:1\.2/);
      assert.equal(read(dir, "version.txt"), "1.2\n");
      assert.equal(read(dir, "debug.txt"), "debug tools kept\n");
      assert.ok(!existsSync(join(dir, "out", "flavor.txt")));
    },
  },
  targets: {
    args: ["--no-cache"], // the test step's log shows only when it runs
    check: (r) => {
      assert.match(r.stderr, /1 test passed/);
      assert.match(r.stderr, /image: image drydock-example-targets:latest/);
      assert.match(r.stderr, /Built 3 target\(s\)/);
    },
  },
  "multi-platform": {
    check: (_r, dir) => {
      assert.equal(read(dir, "linux_amd64/platform.txt"), "built for linux/amd64\n");
      assert.equal(read(dir, "linux_arm64/platform.txt"), "built for linux/arm64\n");
    },
  },
  "push-cache": {
    args: ["--registry", `${registry}/${unique(`cookbook-${runtime}`)}`],
    check: (r) => {
      assert.match(r.stderr, /app: image pushed .*\/drydock-example-push:latest \(sha256:[0-9a-f]{64}\)/);
    },
  },
};

test("every example has a check here", () => {
  const names = readdirSync(EXAMPLES, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(EXAMPLES, d.name, "build.ts")))
    .map((d) => d.name).sort();
  assert.deepEqual(names, Object.keys(EXAMPLES_CHECKS).sort());
});

for (const [name, example] of Object.entries(EXAMPLES_CHECKS)) {
  test(`examples/${name} builds on dk26c (${runtime})`, {
    skip: skipWithout(dk26c, "dk26c") || (name === "push-cache" && !registry && "no test registry"),
  }, async () => {
    const dir = join(EXAMPLES, name);
    rmSync(join(dir, "out"), { recursive: true, force: true });
    const agent = name === "cache-secrets-ssh" ? await startAgent() : undefined;
    try {
      const r = await runBuildFile(join(dir, "build.ts"), ["--progress", "plain", ...(example.args ?? [])], {
        DOCKER_HOST: `unix://${dk26c!.socket}`,
        BUILDKIT_HOST: undefined,
        SSH_AUTH_SOCK: agent?.socket,
        ...example.env,
      });
      assert.equal(r.code, 0, `exit ${r.code}\n${r.stderr}`);
      await example.check(r, dir);
    } finally {
      await agent?.close();
      rmSync(join(dir, "out"), { recursive: true, force: true });
    }
  });
}

// An ssh-agent with no keys: enough for the socket to be forwarded.
async function startAgent(): Promise<{ socket: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "drydock-cookbook-ssh-"));
  const socket = join(dir, "agent.sock");
  const child = spawn("ssh-agent", ["-D", "-a", socket], { stdio: "ignore" });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  for (let i = 0; i < 250 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 20));
  return {
    socket,
    close: async () => {
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
