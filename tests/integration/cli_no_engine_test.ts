// Flags that need no engine: --help, --list, --version, --dry-run, and Deno's permission hint.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runBuildFile } from "../support/runtime.ts";

const BUILD = fileURLToPath(new URL("../fixtures/cli/cli_build.ts", import.meta.url));
const PARAMS = fileURLToPath(new URL("../fixtures/cli/params_build.ts", import.meta.url));
const NO_ENGINE = { DOCKER_HOST: "unix:///nonexistent/docker.sock", BUILDKIT_HOST: undefined };

test("--help shows the targets, the declared parameters and the options", async () => {
  const r = await runBuildFile(PARAMS, ["--help"], NO_ENGINE);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Usage: params_build\.ts \[options\] \[target\.\.\.\]\n/);
  assert.match(r.stdout, /\n {2}app {3}the app image \(default\)\n {2}test\n/);
  assert.match(r.stdout, /--app-version STRING\n +version baked into the image \(default: "dev"\)/);
  assert.match(r.stdout, /--level low\|high +\(default: "low"\)/);
  assert.match(r.stdout, /--tls-server-name NAME/);
  assert.equal(r.stderr, "");
});

test("--list prints the targets with their descriptions", async () => {
  const r = await runBuildFile(BUILD, ["--list"], NO_ENGINE);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    "  ok         (default)\n  also\n  fresh\n  secretive\n  agent\n  pushable\n  multi\n  merged\n" +
      "  fails      a step that fails\n" +
      "  sleeper    a step that sleeps for 10 minutes\n",
  );
});

test("--version prints package.json's version", async () => {
  const version = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version;
  const r = await runBuildFile(BUILD, ["--version"], NO_ENGINE);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `drydock ${version}\n`);
});

test("--dry-run compiles with no engine; parameters change the LLB", async () => {
  const a = await runBuildFile(PARAMS, ["--dry-run"], NO_ENGINE);
  const b = await runBuildFile(PARAMS, ["--dry-run", "--app-version", "2.0"], NO_ENGINE);
  const c = await runBuildFile(PARAMS, ["--dry-run", "--build-arg", "appVersion=2.0"], NO_ENGINE);
  for (const r of [a, b, c]) assert.equal(r.code, 0, r.stderr);
  assert.match(a.stdout, /^app: 3 LLB ops, sha256:[0-9a-f]{64}\n$/);
  assert.notEqual(a.stdout, b.stdout);
  assert.equal(b.stdout, c.stdout);
});

test("a bad parameter value is a one-line usage error (exit 2)", async () => {
  const r = await runBuildFile(PARAMS, ["--port", "eighty"], NO_ENGINE);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'error: --port must be a number, got the string "eighty" (see --help)\n');
  const e = await runBuildFile(PARAMS, ["--level=mid"], NO_ENGINE);
  assert.equal(e.code, 2);
  assert.equal(e.stderr, 'error: --level must be one of low, high, not "mid" (see --help)\n');
});

test("an unknown --builder context is a usage error naming it", async () => {
  const r = await runBuildFile(BUILD, ["--builder", "no-such-context"], {
    ...NO_ENGINE,
    DOCKER_CONFIG: "/nonexistent",
  });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^error: docker context "no-such-context" \(--builder\) does not exist/);
});

test("Deno without permissions: a one-line hint naming the flag to add", () => {
  const deno = fileURLToPath(new URL("../../node_modules/.bin/deno", import.meta.url));
  const r = spawnSync(deno, ["run", "--no-prompt", BUILD, "--dry-run"], {
    env: { ...process.env, NO_COLOR: "1" },
    encoding: "utf8",
  });
  assert.equal(r.status, 2, r.stderr);
  assert.match(
    r.stderr,
    /^error: Deno needs --allow-[a-z]+ \(.*\); run deno run -P cli_build\.ts with the permission set in deno\.json .*--allow-sys.*\n$/,
  );
});

test("a malformed --host is a usage error (exit 2)", async () => {
  const r = await runBuildFile(BUILD, ["--host", "ssh://example"], NO_ENGINE);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^error: "ssh:\/\/example": unsupported scheme "ssh"/);
});

test("--print dumps one target's LLB as JSON lines, ending with the --dry-run digest", async () => {
  const printed = await runBuildFile(PARAMS, ["--print", "--app-version", "3"], NO_ENGINE);
  const dry = await runBuildFile(PARAMS, ["--dry-run", "--app-version", "3"], NO_ENGINE);
  assert.equal(printed.code, 0, printed.stderr);
  const ops = printed.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
  assert.equal(ops.length, 3);
  assert.equal(ops[0].Op.source.identifier, "docker-image://docker.io/library/busybox:latest");
  assert.deepEqual(ops[1].Op.exec.meta.env.filter((e: string) => e.startsWith("APP_")), ["APP_VERSION=3"]);
  assert.ok(dry.stdout.includes(ops.at(-1).Digest), "the same terminal digest as --dry-run");
  // Without an engine the base image's config is not resolved, and --print says so and why.
  assert.match(printed.stderr, /drydock: the config of docker\.io\/library\/busybox:latest is not resolved/);
  assert.match(
    printed.stderr,
    /digests differ from the ones built \(Cannot reach a BuildKit engine/,
    "and why",
  );
});

test("--dot prints the graph; several targets are a usage error", async () => {
  const r = await runBuildFile(BUILD, ["--dot", "fails"], NO_ENGINE);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^digraph \{\n/);
  assert.match(r.stdout, /failing on purpose/);
  const two = await runBuildFile(BUILD, ["--print", "ok", "also"], NO_ENGINE);
  assert.equal(two.code, 2);
  assert.match(two.stderr, /^error: --print shows one target's LLB; choose one with --target/);
});

test("a malformed --secret or --ssh is a usage error naming it", async () => {
  const secret = await runBuildFile(BUILD, ["--secret", "src=only.txt"], NO_ENGINE);
  assert.equal(secret.code, 2);
  assert.match(secret.stderr, /^error: --secret "src=only\.txt": /);
  const ssh = await runBuildFile(BUILD, ["--ssh", "=x"], NO_ENGINE);
  assert.equal(ssh.code, 2);
  assert.match(ssh.stderr, /^error: --ssh "=x": needs an id/);
});

test("a bad DSL option at the top of build.ts: a code frame at its line, exit 2, no stack trace", async () => {
  const file = fileURLToPath(new URL("../fixtures/cli/bad_option_build.ts", import.meta.url));
  const r = await runBuildFile(file, [], { ...NO_ENGINE, NO_COLOR: "1" });
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.split("\n");
  assert.match(
    lines[0],
    /^error: run\(\): option "env\.A" must be a string, got number 1 \(at .*bad_option_build\.ts:5:4\)$/,
  );
  assert.match(
    r.stderr,
    /\n 5 \| {3}\.run\("echo hi", \{ env: \{ A: 1 as unknown as string \} \}\);\n +\| +\^+\n/,
  );
  assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
});
