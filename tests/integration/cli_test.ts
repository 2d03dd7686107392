// A build.ts run as a program on a real engine: exit codes, several targets,
// Ctrl-C (cancelled at the engine, nothing left behind), --no-cache.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { dk20, dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { buildHistory, processesWith } from "../support/engine_probe.ts";
import { startBuildFile, waitFor } from "../support/program.ts";
import { runBuildFile } from "../support/runtime.ts";
import { makeKey } from "../support/ssh_tools.ts";

const BUILD = fileURLToPath(new URL("../fixtures/cli/cli_build.ts", import.meta.url));
const skip = skipWithout(dk26c, "Docker 26.1 (containerd store)");

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), "drydock-cli-"));
});
after(() => rmSync(work, { recursive: true, force: true }));

/** The engine from DOCKER_HOST only, and a private TMPDIR to check for leftovers. */
function env(tmp?: string, engine: TestEngine | undefined = dk26c): Record<string, string | undefined> {
  return { DOCKER_HOST: engine!.socket && `unix://${engine!.socket}`, BUILDKIT_HOST: undefined, TMPDIR: tmp };
}

function privateTmp(): string {
  const dir = join(work, unique("tmp"));
  mkdirSync(dir);
  return dir;
}

describe("build.ts as a program (Docker 26.1)", { skip }, () => {
  test("exit 0: two targets named on the command line are both built", async () => {
    const out = join(work, unique("out"));
    const r = await runBuildFile(BUILD, ["--out", out, "-t", "ok", "also", "--progress=quiet"], env());
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(out, "ok/ok.txt"), "utf8"), "ok\n");
    assert.equal(readFileSync(join(out, "also/also.txt"), "utf8"), "also\n");
    assert.match(r.stderr, /Built 2 target\(s\)/);
    assert.doesNotMatch(r.stderr, /^#\d+ /m, "--progress=quiet shows no steps");
  });

  test("exit 1: a failing step, reported at its build.ts line", async () => {
    const r = await runBuildFile(BUILD, ["fails"], env());
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /code:? 3/);
    assert.match(r.stderr, /cli_build\.ts:\d+:\d+/);
    assert.match(
      r.stderr,
      /^#\d+ .*failing on purpose/m,
      "plain progress (the default) shows the step's output",
    );
  });

  test("exit 2: a usage error, before any engine is contacted", async () => {
    const r = await runBuildFile(BUILD, ["--no-cahce"], { DOCKER_HOST: "unix:///nonexistent.sock" });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "error: unknown flag --no-cahce; did you mean --no-cache? (see --help)\n");
  });

  test("one failing target cancels the others", async () => {
    const marker = unique("sibling");
    const program = startBuildFile(BUILD, ["fails", "sleeper", "--marker", marker], env());
    assert.ok(await waitFor(() => processesWith(`echo ${marker}`).length > 0, 60_000), "the sleeper started");
    const r = await program.done;
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /code:? 3/);
    assert.ok(
      await waitFor(() => processesWith(`echo ${marker}`).length === 0, 10_000),
      "the sleeper was stopped",
    );
  });

  test("exit 130: Ctrl-C cancels the build at the engine and leaves nothing behind", async () => {
    const marker = unique("ctrlc");
    const tmp = privateTmp();
    const program = startBuildFile(BUILD, ["sleeper", "--marker", marker], env(tmp));
    assert.ok(await waitFor(() => processesWith(`echo ${marker}`).length > 0, 60_000), program.stderr());
    const running = await buildHistory(dk26c!);

    program.signal("SIGINT");
    const r = await program.done;
    assert.equal(r.code, 130, `${r.signal} ${r.stderr}`);
    assert.match(r.stderr, /Interrupted: cancelling the build/);
    const ref = /Build cancelled \(engine build ([a-z0-9]+)\)/.exec(r.stderr)?.[1];
    assert.ok(ref, r.stderr);
    assert.ok(running.active.has(ref), "the engine listed the build as running before Ctrl-C");
    assert.ok(
      await waitFor(() => processesWith(`echo ${marker}`).length === 0, 5_000),
      "the step was stopped",
    );
    let later = await buildHistory(dk26c!);
    assert.ok(
      await waitFor(async () => !(later = await buildHistory(dk26c!)).active.has(ref), 5_000),
      "the engine reports the build is no longer running",
    );
    assert.match(later.finished.get(ref)?.error ?? "", /cancel/i, "the engine recorded it as cancelled");
    assert.deepEqual(readdirSync(tmp), [], "no socket or directory left in TMPDIR");
  });

  test("a second Ctrl-C exits at once with 130", async () => {
    const marker = unique("ctrlc2");
    const program = startBuildFile(BUILD, ["sleeper", "--marker", marker], env(privateTmp()));
    assert.ok(await waitFor(() => processesWith(`echo ${marker}`).length > 0, 60_000), program.stderr());
    program.signal("SIGINT");
    program.signal("SIGINT");
    const r = await program.done;
    assert.equal(r.code, 130, `${r.signal} ${r.stderr}`);
    // The engine still cancels: the connection went away with the process.
    assert.ok(
      await waitFor(() => processesWith(`echo ${marker}`).length === 0, 10_000),
      "the step was stopped",
    );
  });

  test("--secret gives a secret build.ts declares without a source; it never shows", async () => {
    const dir = join(work, unique("secret"));
    mkdirSync(dir);
    const value = `s3cret-${randomBytes(8).toString("hex")}`;
    writeFileSync(join(dir, "token.txt"), value);
    const sum = async (spec: string, extra: Record<string, string> = {}) => {
      const out = join(dir, unique("out"));
      const args = ["secretive", "--out", out, "--secret", spec, "--marker", unique("secret")];
      const r = await runBuildFile(BUILD, args, { ...env(), ...extra });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!(r.stdout + r.stderr).includes(value), "the secret value is not printed");
      return readFileSync(join(out, "secretive/sum.txt"), "utf8").trim();
    };
    const expected = createHash("sha256").update(value).digest("hex");
    assert.equal(await sum(`id=cli_token,src=${join(dir, "token.txt")}`), expected);
    assert.equal(
      await sum("id=cli_token,env=DRYDOCK_CLI_TEST_TOKEN", { DRYDOCK_CLI_TEST_TOKEN: value }),
      expected,
    );
    const missing = await runBuildFile(BUILD, ["secretive", "--out", dir], env());
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /secret "cli_token"/);
  });

  test("--ssh ID=KEY forwards an agent holding that key", async () => {
    const dir = join(work, unique("ssh"));
    mkdirSync(dir);
    makeKey(join(dir, "key"), "drydock-cli-test");
    const out = join(dir, "out");
    const r = await runBuildFile(
      BUILD,
      ["agent", "--out", out, "--ssh", `deploy=${join(dir, "key")}`, "--marker", unique("ssh")],
      env(),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(out, "agent/agent.txt"), "utf8"), "agent\n");
  });

  test("-o adds outputs (a tar file, a directory), --metadata-file writes buildx's keys", async () => {
    const dir = join(work, unique("outputs"));
    mkdirSync(dir);
    const meta = join(dir, "meta.json");
    const args = ["ok", "--out", join(dir, "own"), "-o", `type=tar,dest=${join(dir, "ok.tar")}`];
    const r = await runBuildFile(BUILD, [...args, "-o", join(dir, "plain"), "--metadata-file", meta], env());
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      readFileSync(join(dir, "own/ok/ok.txt"), "utf8"),
      "ok\n",
      "the target's own output still runs",
    );
    assert.equal(readFileSync(join(dir, "plain/ok.txt"), "utf8"), "ok\n", "a bare directory is type=local");
    assert.match(
      execFileSync("tar", ["-tf", join(dir, "ok.tar")], { encoding: "utf8" }),
      /^(\.\/)?ok\.txt$/m,
    );
    const metadata = JSON.parse(readFileSync(meta, "utf8"));
    assert.match(metadata["buildx.build.ref"], /^drydock\/.+\/[a-z0-9]{25}$/);
  });

  test("--platform builds each platform of a target that is a function of it", async () => {
    const out = join(work, unique("platforms"));
    const r = await runBuildFile(BUILD, ["multi", "--platform", "linux/amd64,linux/arm64", "-o", out], env());
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(out, "linux_amd64/platform.txt"), "utf8"), "linux/amd64\n");
    assert.equal(readFileSync(join(out, "linux_arm64/platform.txt"), "utf8"), "linux/arm64\n");
  });

  test("--push pushes the image; --cache-to/--cache-from write and read registry cache", async () => {
    const registry = process.env.DRYDOCK_REGISTRY;
    assert.ok(registry, "DRYDOCK_REGISTRY is set by tests/engines/up.sh");
    const name = unique("drydock-cli-push");
    const cacheRef = `${registry}/${name}:buildcache`;
    const pushed = await runBuildFile(BUILD, [
      "pushable",
      "--image",
      `${registry}/${name}:v1`,
      "--push",
      "--cache-to",
      `type=registry,ref=${cacheRef},mode=max`,
      "--metadata-file",
      join(work, `${name}.json`),
    ], env());
    assert.equal(pushed.code, 0, pushed.stderr);
    const digest = JSON.parse(readFileSync(join(work, `${name}.json`), "utf8"))["containerimage.digest"];
    assert.match(digest, /^sha256:[0-9a-f]{64}$/);
    for (const tag of ["v1", "buildcache"]) {
      const res: Response = await fetch(`http://${registry}/v2/${name}/manifests/${tag}`, {
        method: "HEAD",
        headers: {
          accept:
            "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json",
        },
      });
      assert.equal(res.status, 200, `${name}:${tag} is in the registry`);
    }
    const reused = await runBuildFile(BUILD, [
      "pushable",
      "--image",
      `${name}:local`,
      "--cache-from",
      cacheRef,
    ], env());
    assert.equal(reused.code, 0, reused.stderr);
    assert.match(
      reused.stderr,
      new RegExp(`importing cache manifest from ${cacheRef.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}`),
    );
  });

  test("--no-cache runs cached steps again", async () => {
    const out = join(work, unique("fresh"));
    const id = async (args: string[]) => {
      const r = await runBuildFile(BUILD, ["fresh", "--out", out, "--progress=quiet", ...args], env());
      assert.equal(r.code, 0, r.stderr);
      return readFileSync(join(out, "fresh/id.txt"), "utf8");
    };
    const first = await id([]);
    assert.equal(await id([]), first, "the second build is cached");
    assert.notEqual(await id(["--no-cache"]), first, "--no-cache ran the step again");
  });
});

// The engine-sensitive cases on the current engine generation (BuildKit 0.25).
describe(
  "build.ts as a program (Docker 28.5)",
  { skip: skipWithout(dk28, "Docker 28.5 (containerd store)") },
  () => {
    test("exit 1: a failing step, reported at its build.ts line", async () => {
      const r = await runBuildFile(BUILD, ["fails"], env(undefined, dk28));
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /code:? 3/);
      assert.match(r.stderr, /cli_build\.ts:\d+:\d+/);
      assert.match(r.stderr, /^#\d+ .*failing on purpose/m);
    });
  },
);

describe("build.ts as a program (Docker 20.10)", { skip: skipWithout(dk20, "Docker 20.10") }, () => {
  test("an engine fallback is reported as a notice, and the build succeeds", async () => {
    const out = join(work, unique("merged"));
    const r = await runBuildFile(BUILD, ["merged", "--out", out, "--host", dk20!.host], {
      BUILDKIT_HOST: undefined,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^notice: merged: .*merge/m);
    assert.equal(readFileSync(join(out, "merged/ok.txt"), "utf8"), "ok\n");
    assert.equal(readFileSync(join(out, "merged/also.txt"), "utf8"), "also\n");
  });
});
