import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type ContextFilterOptions, createContextFilter } from "./context_filter.ts";
import { resolveFollowPaths } from "./follow_paths.ts";
import { PatternError } from "./pattern_error.ts";
import { walkTree } from "./walk.ts";
import { withTempDir } from "./tree_fixture_test_util.ts";

/** Creates entries (and their parents): "name/" is a directory, "name -> target" a symlink, else a file. */
async function makeTree(root: string, entries: string[]): Promise<void> {
  for (const e of entries) {
    const [name, target] = e.split(" -> ");
    await mkdir(join(root, name, e.endsWith("/") ? "" : ".."), { recursive: true });
    if (target !== undefined) await symlink(target, join(root, name));
    else if (!e.endsWith("/")) await writeFile(join(root, name), "");
  }
}

/** What a filtered walk emits, and which paths the filter was asked about (so what was read). */
async function filtered(
  root: string,
  options: ContextFilterOptions,
): Promise<{ sent: string[]; asked: string[] }> {
  const filter = await createContextFilter(root, options);
  const asked: string[] = [];
  const sent: string[] = [];
  const spy = filter && ((p: string, isDir: boolean) => (asked.push(p), filter(p, isDir)));
  for await (const e of walkTree(root, { filter: spy })) sent.push(e.path);
  return { sent, asked };
}

const TREE = [
  "Dockerfile",
  "README.md",
  "docs/",
  "docs/guide.md",
  "docs/README.md",
  "node_modules/",
  "node_modules/lib/",
  "node_modules/lib/index.js",
  "src/",
  "src/main.go",
  "src/main_test.go",
  "src/vendor/",
  "src/vendor/dep.go",
  "debug.log",
];

describe("createContextFilter()", () => {
  test("no patterns: no filter", () =>
    withTempDir(async (root) => {
      assert.equal(await createContextFilter(root, {}), undefined);
      assert.equal(await createContextFilter(root, { include: [], exclude: [] }), undefined);
    }));

  test("excluded directories are pruned without being read", () =>
    withTempDir(async (root) => {
      await makeTree(root, TREE);
      const { sent, asked } = await filtered(root, { exclude: ["node_modules", "*.log"] });
      assert.deepEqual(sent, [
        "Dockerfile",
        "README.md",
        "docs",
        "docs/README.md",
        "docs/guide.md",
        "src",
        "src/main.go",
        "src/main_test.go",
        "src/vendor",
        "src/vendor/dep.go",
      ]);
      assert.ok(!asked.some((p) => p.startsWith("node_modules/")), `asked about ${asked}`);
    }));

  test("an exception inside an excluded directory is walked to, and nothing else of it is sent", () =>
    withTempDir(async (root) => {
      await makeTree(root, TREE);
      const { sent, asked } = await filtered(root, { exclude: ["docs", "src", "!docs/README.md"] });
      assert.deepEqual(
        sent,
        [
          "Dockerfile",
          "README.md",
          "docs",
          "docs/README.md",
          "debug.log",
          "node_modules",
          "node_modules/lib",
          "node_modules/lib/index.js",
        ].sort(byWalk),
      );
      // src has no exception inside it: pruned.
      assert.ok(!asked.includes("src/main.go"));
    }));

  test("a wildcard exception means excluded directories must be walked", () =>
    withTempDir(async (root) => {
      await makeTree(root, TREE);
      const { sent, asked } = await filtered(root, { exclude: ["src", "!**/*_test.go"] });
      assert.ok(sent.includes("src/main_test.go") && sent.includes("src"));
      assert.ok(!sent.includes("src/main.go") && !sent.includes("src/vendor"));
      assert.ok(asked.includes("src/vendor/dep.go"));
    }));

  test("include patterns send matches and the directories leading to them, pruning the rest", () =>
    withTempDir(async (root) => {
      await makeTree(root, TREE);
      const { sent, asked } = await filtered(root, { include: ["src/vendor", "Dockerfile"] });
      assert.deepEqual(sent, ["Dockerfile", "src", "src/vendor", "src/vendor/dep.go"]);
      assert.ok(!asked.some((p) => p.startsWith("node_modules/") || p.startsWith("docs/")));
    }));

  test("wildcard includes walk everything, and matches below included directories are kept", () =>
    withTempDir(async (root) => {
      await makeTree(root, TREE);
      const { sent, asked } = await filtered(root, { include: ["**/*.go"] });
      assert.deepEqual(sent, ["src", "src/main.go", "src/main_test.go", "src/vendor", "src/vendor/dep.go"]);
      assert.ok(asked.includes("node_modules/lib/index.js"));
    }));

  test("include and exclude together: excludes win, exceptions re-include", () =>
    withTempDir(async (root) => {
      await makeTree(root, TREE);
      const { sent } = await filtered(root, {
        include: ["src", "docs"],
        exclude: ["**/*.go", "!src/main.go"],
      });
      assert.deepEqual(sent, ["docs", "docs/README.md", "docs/guide.md", "src", "src/main.go", "src/vendor"]);
    }));

  test("followpaths include a symlink and, through it, its target", () =>
    withTempDir(async (root) => {
      await makeTree(root, [
        ...TREE,
        "current -> releases/v2",
        "releases/v1/app",
        "releases/v2/app",
        "releases/v2/other",
      ]);
      const { sent } = await filtered(root, { followPaths: ["current/app"] });
      assert.deepEqual(sent, ["current", "releases", "releases/v2", "releases/v2/app"]);
    }));

  test("followpaths add to include patterns; an absolute link target is taken inside the context", () =>
    withTempDir(async (root) => {
      await makeTree(root, [...TREE, "etc/conf", "conf -> /etc/conf"]);
      const { sent } = await filtered(root, { include: ["Dockerfile"], followPaths: ["conf"] });
      assert.deepEqual(sent, ["Dockerfile", "conf", "etc", "etc/conf"]);
    }));

  test("a malformed pattern is refused, naming its list", () =>
    withTempDir(async (root) => {
      await assert.rejects(createContextFilter(root, { exclude: ["ok", "[oops"] }), (e: Error) =>
        e instanceof PatternError && e.message.startsWith("exclude patterns:"));
      await assert.rejects(createContextFilter(root, { include: ["!"] }), /include patterns/);
    }));
});

describe("resolveFollowPaths()", () => {
  test("paths without symlinks are kept, sorted, without paths below others", () =>
    withTempDir(async (root) => {
      await makeTree(root, ["a/b/c", "z"]);
      assert.deepEqual(await resolveFollowPaths(root, ["z", "a/b/c", "a", "missing/x"]), [
        "a",
        "missing/x",
        "z",
      ]);
    }));

  test('"." means everything', () =>
    withTempDir(async (root) => assert.equal(await resolveFollowPaths(root, ["a", "."]), undefined)));

  test("symlinks in the middle of a path, chains and cycles", () =>
    withTempDir(async (root) => {
      await makeTree(root, ["d/real/f", "l1 -> d/l2", "d/l2 -> real", "loop1 -> loop2", "loop2 -> loop1"]);
      assert.deepEqual(await resolveFollowPaths(root, ["l1/f"]), ["d/l2", "d/real/f", "l1"]);
      assert.deepEqual(await resolveFollowPaths(root, ["loop1/x"]), ["loop1", "loop2"]);
    }));

  test("a wildcard last element follows the symlinks it matches", () =>
    withTempDir(async (root) => {
      await makeTree(root, ["lib/libz.so.1", "lib/libz.so -> libz.so.1", "lib/libq.a"]);
      assert.deepEqual(await resolveFollowPaths(root, ["lib/*.so"]), ["lib/*.so", "lib/libz.so.1"]);
      // Matching only non-symlinks: the glob itself is the include pattern.
      assert.deepEqual(await resolveFollowPaths(root, ["lib/*.a"]), ["lib/*.a"]);
    }));

  test("a target escaping the context stays inside it", () =>
    withTempDir(async (root) => {
      await makeTree(root, ["up -> ../../outside/x"]);
      assert.deepEqual(await resolveFollowPaths(root, ["up"]), ["outside/x", "up"]);
    }));
});

/** Sorts the expected list in walk order for these simple names. */
function byWalk(a: string, b: string): number {
  const pa = a.split("/");
  const pb = b.split("/");
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return pa[i] < pb[i] ? -1 : 1;
  }
  return pa.length - pb.length;
}
