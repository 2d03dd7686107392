// What arrives of a local context on a real engine: include and exclude patterns (as the engine sends
// them in the DiffCopy headers), .dockerignore files, followpaths through symlinks, and reuse of an
// earlier upload (only changed files are requested again).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { local } from "../../mod.ts";
import { dk20, dk26, dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { filteredLocal, listContext } from "../support/local_context.ts";

let ctx: string;

function write(path: string, content = ""): void {
  mkdirSync(join(ctx, path, ".."), { recursive: true });
  writeFileSync(join(ctx, path), content);
}

before(() => {
  ctx = mkdtempSync(join(tmpdir(), "drydock-filter-"));
  write("Dockerfile", "FROM scratch\n");
  write("README.md", "readme\n");
  write("docs/guide.md");
  write("docs/README.md");
  write("node_modules/lib/index.js");
  write("src/main.go");
  write("src/main_test.go");
  write("src/vendor/dep.go");
  write("debug.log");
  write("a, b.txt"); // a pattern naming it contains ", ": the header values must be kept apart
  write("a");
  write(" b.txt");
  write("café.txt");
  write("releases/v1/app", "v1\n");
  write("releases/v2/app", "v2\n");
  write("releases/v2/other");
  symlinkSync("releases/v2", join(ctx, "current"));
  write(".dockerignore", "# generated\nnode_modules\n*.log\n/src/**/*_test.go\n!debug.log\n");
});

after(() => rmSync(ctx, { recursive: true, force: true }));

function filterOn(engine: TestEngine | undefined, label: string) {
  describe(`local context filtering on ${label}`, { skip: skipWithout(engine, label) }, () => {
    test('exclude patterns with an exception, and a pattern containing ", "', async () => {
      const state = filteredLocal(ctx, {
        exclude: ["node_modules", "src", "!src/main.go", "a, b.txt", "releases"],
      });
      const { paths } = await listContext(engine!, state, unique("filter"));
      assert.deepEqual(paths, [
        " b.txt",
        ".dockerignore",
        "Dockerfile",
        "README.md",
        "a",
        "café.txt",
        "current -> releases/v2",
        "debug.log",
        "docs",
        "docs/README.md",
        "docs/guide.md",
        "src",
        "src/main.go",
      ]);
    });

    test("include patterns send matches and the directories leading to them", async () => {
      const state = filteredLocal(ctx, { include: ["**/*.go", "Dockerfile"], exclude: ["**/vendor"] });
      const { paths, sent } = await listContext(engine!, state, unique("filter"));
      assert.deepEqual(paths, ["Dockerfile", "src", "src/main.go", "src/main_test.go"]);
      assert.equal(sent.requested, 3);
    });

    // BuildKit 0.10+ URL-escapes non-ASCII header values; Docker 20.10's BuildKit sends raw UTF-8, which
    // grpc-js would drop unless the session escapes it first.
    test("a non-ASCII pattern", async () => {
      const state = filteredLocal(ctx, { include: ["caf\u00e9*", "README*"] });
      const { paths } = await listContext(engine!, state, unique("filter"));
      assert.deepEqual(paths, ["README.md", "café.txt"]);
    });

    test(".dockerignore patterns are read by the client and sent as excludes", async () => {
      const state = local(ctx); // applies ctx/.dockerignore by default, as Docker does
      const { paths } = await listContext(engine!, state, unique("filter"));
      assert.ok(!paths.some((p) => p.startsWith("node_modules")), "node_modules excluded");
      assert.ok(!paths.includes("src/main_test.go"), "src/**/*_test.go excluded");
      assert.ok(paths.includes("debug.log"), "!debug.log re-included");
      assert.ok(paths.includes("src/vendor/dep.go") && paths.includes("src/main.go"));
    });

    test("a malformed pattern fails the build, naming the pattern", async () => {
      const state = filteredLocal(ctx, { exclude: ["ok", "[oops"] });
      await assert.rejects(
        listContext(engine!, state, unique("filter")),
        (e: Error) => /exclude patterns: invalid pattern "\[oops": unclosed character class/.test(e.message),
      );
    });

    test("followpaths follow a symlink to its target, and nothing else is sent", async () => {
      const state = filteredLocal(ctx, { followPaths: ["current/app"] });
      const { paths } = await listContext(engine!, state, unique("filter"));
      assert.deepEqual(paths, ["current -> releases/v2", "releases", "releases/v2", "releases/v2/app"]);
    });
  });
}

function reuseOn(engine: TestEngine | undefined, label: string) {
  test(`a second upload of an unchanged tree requests no file, one changed file only that one, on ${label}`, {
    skip: skipWithout(engine, label),
  }, async () => {
    const tree = mkdtempSync(join(tmpdir(), "drydock-reuse-"));
    try {
      for (let i = 0; i < 40; i++) {
        mkdirSync(join(tree, `d${i % 4}`), { recursive: true });
        writeFileSync(join(tree, `d${i % 4}/f${i}.txt`), `file ${i}\n`);
      }
      const key = unique("reuse");
      const state = filteredLocal(tree, {});
      const first = await listContext(engine!, state, key);
      assert.equal(first.sent.files, 40);
      assert.equal(first.sent.requested, 40);

      const second = await listContext(engine!, state, key);
      assert.equal(second.sent.files, 40);
      assert.equal(second.sent.requested, 0, "an unchanged tree transfers no file contents");
      assert.equal(second.sent.bytes, 0);

      writeFileSync(join(tree, "d1/f5.txt"), "changed content\n");
      utimesSync(join(tree, "d1/f5.txt"), new Date(Date.now() + 5000), new Date(Date.now() + 5000));
      const third = await listContext(engine!, state, key);
      assert.equal(third.sent.requested, 1, "only the changed file is requested");
      assert.equal(third.sent.bytes, "changed content\n".length);
      assert.equal(third.paths.length, 44);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });
}

function linksOn(engine: TestEngine | undefined, label: string) {
  test(`hardlinks arrive as one file sent once, symlinks as links, on ${label}`, {
    skip: skipWithout(engine, label),
  }, async () => {
    // A non-ASCII directory name: the engine asks for it by name (dir-name), escaped or raw by version.
    const tree = mkdtempSync(join(tmpdir(), "drydock-links-é-"));
    try {
      mkdirSync(join(tree, "dir"));
      writeFileSync(join(tree, "dir/data"), "shared\n");
      linkSync(join(tree, "dir/data"), join(tree, "twin"));
      symlinkSync("dir", join(tree, "dirlink"));
      symlinkSync("/etc/passwd", join(tree, "abslink"));
      const { paths, sent } = await listContext(engine!, filteredLocal(tree, {}), unique("links"), [
        'test "$(stat -c %i dir/data)" = "$(stat -c %i twin)"',
        'test "$(stat -c %h twin)" = 2',
      ]);
      assert.deepEqual(paths, ["abslink -> /etc/passwd", "dir", "dir/data", "dirlink -> dir", "twin"]);
      assert.equal(sent.files, 1, "the second path of the inode is a hardlink entry");
      assert.equal(sent.requested, 1);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });
}

filterOn(dk26c, "Docker 26.1 (containerd store)");
filterOn(dk28, "Docker 28.5 (containerd store)");
filterOn(dk26, "Docker 26.1 (overlay2)");
filterOn(dk20, "Docker 20.10");
describe("links in a local context", () => {
  linksOn(dk26c, "Docker 26.1 (containerd store)");
  linksOn(dk28, "Docker 28.5 (containerd store)");
  linksOn(dk20, "Docker 20.10");
});
describe("local context reuse", () => {
  reuseOn(dk26c, "Docker 26.1 (containerd store)");
  reuseOn(dk28, "Docker 28.5 (containerd store)");
  reuseOn(dk26, "Docker 26.1 (overlay2)");
  reuseOn(dk20, "Docker 20.10");
});
