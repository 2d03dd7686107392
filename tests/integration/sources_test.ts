// Source options have their effect on real engines: the built filesystem is checked.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import {
  BuildError,
  buildTargets,
  CapabilityError,
  git,
  http,
  image,
  local,
  scratch,
  type State,
} from "../../mod.ts";
import { dockerApi, removeImage } from "../support/docker_api.ts";
import { dk20, dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { pushImage } from "../support/registry_push.ts";
import { type GitFixture, gitFixture } from "../support/git_fixture.ts";

let repo: GitFixture;
let ctx: string;
let out: string;
const TOOL = "#!/bin/sh\necho tool\n";

before(async () => {
  repo = await gitFixture();
  writeFileSync(join(repo.root, "tool.sh"), TOOL);
  out = mkdtempSync(join(tmpdir(), "drydock-out-"));
  ctx = mkdtempSync(join(tmpdir(), "drydock-ctx-"));
  mkdirSync(join(ctx, "src/sub"), { recursive: true });
  mkdirSync(join(ctx, "other"), { recursive: true });
  writeFileSync(join(ctx, "src/a.ts"), "a\n");
  writeFileSync(join(ctx, "src/a.log"), "log\n");
  writeFileSync(join(ctx, "src/sub/b.ts"), "b\n");
  writeFileSync(join(ctx, "other/c.txt"), "c\n");
  writeFileSync(join(ctx, "secret.env"), "TOKEN=x\n");
  writeFileSync(join(ctx, "keep.log"), "keep\n");
  writeFileSync(
    join(ctx, ".dockerignore"),
    "# ignore logs and env files\n*.log\n**/*.log\n!keep.log\nsecret.env\n",
  );
  symlinkSync("other/c.txt", join(ctx, "link"));
});

after(async () => {
  await repo.close();
  rmSync(ctx, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

/** Builds `state` on `engine` and returns the path its files were exported to. */
async function exported(engine: TestEngine, name: string, state: State): Promise<string> {
  const dest = join(out, `${engine.name}-${name}`);
  await buildTargets({ t: { state, output: { type: "local", dest } } }, { host: engine.host });
  return dest;
}

/** The sorted listing of a build's `/o`, made inside the build. */
function listing(s: State): State {
  return scratch().copy(s.run("cd /o && find . | sort > /listing.txt"), "/listing.txt", "/listing.txt");
}

function read(dir: string, file: string): string {
  return readFileSync(join(dir, file), "utf8");
}

function sourcesOn(engine: TestEngine | undefined, label: string) {
  const skip = skipWithout(engine, label);

  test(`local(): include, exclude, followPaths and .dockerignore on ${label}`, { skip }, async () => {
    const base = image("busybox");
    const all = base.copy(local(ctx), ".", "/o/");
    const included = base.copy(local(ctx, { include: ["src"], exclude: ["**/sub"] }), ".", "/o/");
    const followed = base.copy(local(ctx, { followPaths: ["link"], dockerignore: false }), ".", "/o/");
    const raw = base.copy(local(ctx, { dockerignore: false, sharedKeyHint: "raw" }), ".", "/o/");
    const dir = await exported(
      engine!,
      "local",
      scratch()
        .copy(listing(all), "/listing.txt", "/all.txt")
        .copy(listing(included), "/listing.txt", "/included.txt")
        .copy(listing(followed), "/listing.txt", "/followed.txt")
        .copy(listing(raw), "/listing.txt", "/raw.txt"),
    );
    assert.equal(
      read(dir, "all.txt"),
      [
        ".",
        "./.dockerignore",
        "./keep.log",
        "./link",
        "./other",
        "./other/c.txt",
        "./src",
        "./src/a.ts",
        "./src/sub",
        "./src/sub/b.ts",
        "",
      ].join("\n"),
    );
    // include selects src; the .dockerignore still drops src/a.log; exclude drops src/sub.
    assert.equal(read(dir, "included.txt"), [".", "./src", "./src/a.ts", ""].join("\n"));
    // followPaths sends the link and what it points to, nothing else.
    assert.equal(read(dir, "followed.txt"), [".", "./link", "./other", "./other/c.txt", ""].join("\n"));
    assert.match(read(dir, "raw.txt"), /\.\/secret\.env\n/);
    assert.match(read(dir, "raw.txt"), /\.\/src\/a\.log\n/);
  });

  test(`git(): ref, keepGitDir${engine === dk20 ? "" : ", subdir"} on ${label}`, { skip }, async () => {
    const base = image("busybox");
    const tagged = base.copy(git(repo.url, { ref: "v1" }), ".", "/o/");
    const head = base.copy(git(repo.url, { ref: "main", keepGitDir: true }), ".", "/o/");
    let s = scratch()
      .copy(listing(tagged), "/listing.txt", "/tagged.txt")
      .copy(
        listing(head.run("test -d /o/.git && rm -rf /o/.git && touch /o/HAD_GIT")),
        "/listing.txt",
        "/head.txt",
      );
    if (engine !== dk20) {
      s = s.copy(
        listing(base.copy(git(repo.url, { ref: "main", subdir: "docs" }), ".", "/o/")),
        "/listing.txt",
        "/sub.txt",
      );
    }
    const dir = await exported(engine!, "git", s);
    assert.equal(read(dir, "tagged.txt"), [".", "./docs", "./docs/readme.md", "./top.txt", ""].join("\n"));
    assert.equal(
      read(dir, "head.txt"),
      [".", "./HAD_GIT", "./docs", "./docs/readme.md", "./later.txt", "./top.txt", ""].join("\n"),
    );
    if (engine !== dk20) assert.equal(read(dir, "sub.txt"), [".", "./readme.md", ""].join("\n"));
  });

  test(`http(): filename, chmod, chown and checksum on ${label}`, { skip }, async () => {
    const checksum = `sha256:${createHash("sha256").update(TOOL).digest("hex")}`;
    const file = http(`${repo.server.url}/tool.sh`, {
      filename: "t.sh",
      chmod: 0o750,
      chown: { uid: 123, gid: 456 },
      checksum,
    });
    const checked = image("busybox").copy(file, "/", "/o/").run(
      "stat -c '%n %a %u:%g' /o/t.sh > /stat.txt && /o/t.sh >> /stat.txt",
    );
    const dir = await exported(engine!, "http", scratch().copy(checked, "/stat.txt", "/stat.txt"));
    assert.equal(read(dir, "stat.txt"), "/o/t.sh 750 123:456\ntool\n");
    const wrong = http(`${repo.server.url}/tool.sh`, { checksum: `sha256:${"0".repeat(64)}` });
    await assert.rejects(exported(engine!, "http-bad", scratch().copy(wrong, "/", "/")), (err: unknown) => {
      assert.ok(err instanceof BuildError);
      assert.match(err.message, /digest mismatch|checksum/i);
      return true;
    });
  });

  test(`image(): resolveMode "pull" takes the registry's copy, "local" the engine's, on ${label}`, {
    skip: skip || (process.env.DRYDOCK_REGISTRY ? false : "DRYDOCK_REGISTRY is not set"),
  }, async () => {
    // One name, two contents: the registry holds "registry", the engine's store "local".
    const name = `${process.env.DRYDOCK_REGISTRY}/${unique("drydock-resolve")}`;
    const marked = (marker: string) => image("busybox").run(`echo ${marker} > /marker`);
    await buildTargets({ r: { state: marked("registry"), image: `${name}:v` } }, { host: engine!.host });
    await pushImage(engine!.socket, name, "v");
    // Keep the pushed image's content referenced locally: replacing its only tag lets the containerd
    // store collect blobs that the "pull" below may be reusing at that moment.
    const tagged = await dockerApi(
      engine!.socket,
      `/images/${encodeURIComponent(`${name}:v`)}/tag?repo=${encodeURIComponent(name)}&tag=pushed`,
      "POST",
    );
    assert.equal(tagged.status, 201, JSON.stringify(tagged.body));
    await buildTargets({ l: { state: marked("local"), image: `${name}:v` } }, { host: engine!.host });
    try {
      const both = scratch()
        .copy(image(`${name}:v`, { resolveMode: "pull" }), "/marker", "/pull.txt")
        .copy(image(`${name}:v`, { resolveMode: "local" }), "/marker", "/local.txt");
      const dir = await exported(engine!, "resolve", both);
      assert.equal(readFileSync(join(dir, "pull.txt"), "utf8"), "registry\n");
      assert.equal(readFileSync(join(dir, "local.txt"), "utf8"), "local\n");
    } finally {
      await removeImage(engine!.socket, `${name}:v`);
      await removeImage(engine!.socket, `${name}:pushed`);
    }
  });
}

describe("sources on real engines", () => {
  sourcesOn(dk26c, "Docker 26.1 (containerd store)");
  sourcesOn(dk28, "Docker 28.5 (containerd store)");
  sourcesOn(dk20, "Docker 20.10");

  test("git({ subdir }) on Docker 20.10 fails before solving, naming the feature and line", {
    skip: skipWithout(dk20, "Docker 20.10"),
  }, async () => {
    const line = Number(/:(\d+):\d+\)?$/.exec(new Error().stack!.split("\n")[1])![1]) + 1;
    const docs = git(repo.url, { subdir: "docs" });
    await assert.rejects(exported(dk20!, "subdir", scratch().copy(docs, ".", "/")), (err: unknown) => {
      assert.ok(err instanceof CapabilityError, String(err));
      assert.match(
        err.message,
        new RegExp(
          `^git\\(\\{ subdir \\}\\) \\(at .*sources_test\\.ts:${line}:\\d+\\) needs the engine capability "source\\.git\\.subdir", which the Docker engine at .* does not have`,
        ),
      );
      return true;
    });
  });
});
