import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  chmod,
  link,
  lstat,
  mkdir,
  realpath,
  rename,
  rm,
  symlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import { Buffer } from "node:buffer";
import { createServer } from "node:net";
import { join } from "node:path";
import { type WalkEntry, type WalkOptions, walkTree } from "./walk.ts";
import { withTempDir } from "./tree_fixture_test_util.ts";

/** Creates entries (and their parents): "name/" is a directory, anything else an empty file. */
async function makeTree(root: string, entries: string[]): Promise<void> {
  for (const e of entries) {
    if (e.endsWith("/")) {
      await mkdir(join(root, e), { recursive: true });
    } else {
      await mkdir(join(root, e, ".."), { recursive: true });
      await writeFile(join(root, e), "");
    }
  }
}

async function collect(root: string, options?: WalkOptions): Promise<WalkEntry[]> {
  const out: WalkEntry[] = [];
  for await (const e of walkTree(root, options)) out.push(e);
  return out;
}

async function paths(root: string, options?: WalkOptions): Promise<string[]> {
  return (await collect(root, options)).map((e) => e.path);
}

describe("walkTree() order", () => {
  const cases: [string, string[], string[]][] = [
    ["a directory before its entries, then a-c.txt", ["a-c.txt", "a/b.txt"], ["a", "a/b.txt", "a-c.txt"]],
    ["per-directory order, not full-path order", ["a.b/x", "a/x", "a0"], ["a", "a/x", "a.b", "a.b/x", "a0"]],
    ["uppercase before lowercase (bytes)", ["b", "B", "a", "_"], ["B", "_", "a", "b"]],
    ["deep nesting comes back up", ["x/y/z/", "x/y/z/f", "x/y2", "x0"], [
      "x",
      "x/y",
      "x/y/z",
      "x/y/z/f",
      "x/y2",
      "x0",
    ]],
    [
      "UTF-8 bytes, not UTF-16 units",
      ["\u{1f600}", "\uff5e", "é", "z"],
      ["z", "é", "\uff5e", "\u{1f600}"],
    ],
    ["empty directories are emitted", ["e/", "f"], ["e", "f"]],
  ];
  for (const [name, entries, want] of cases) {
    test(name, () =>
      withTempDir(async (root) => {
        await makeTree(root, entries);
        assert.deepEqual(await paths(root), want);
      }));
  }

  test("the root itself is not emitted, and an empty root gives nothing", () =>
    withTempDir(async (root) => assert.deepEqual(await paths(root), [])));

  test("a symlinked root is resolved; symlinks inside are not followed", () =>
    withTempDir(async (dir) => {
      await makeTree(dir, ["real/", "real/sub/", "real/sub/f"]);
      await symlink("real", join(dir, "root-link"));
      await symlink("sub", join(dir, "real/sub-link"));
      const entries = await collect(join(dir, "root-link"));
      assert.deepEqual(entries.map((e) => e.path), ["sub", "sub/f", "sub-link"]);
      assert.equal(entries[0].absolutePath, join(await realpath(dir), "real/sub"));
    }));
});

describe("walkTree() stats", () => {
  test("modes, sizes, uid/gid 0 and symlink targets", () =>
    withTempDir(async (root) => {
      await mkdir(join(root, "dir"), { mode: 0o755 });
      await chmod(join(root, "dir"), 0o755);
      await writeFile(join(root, "exe.sh"), "#!/bin/sh\n");
      await chmod(join(root, "exe.sh"), 0o755);
      await writeFile(join(root, "file.txt"), "hello");
      await chmod(join(root, "file.txt"), 0o644);
      await symlink("file.txt", join(root, "link"));
      await symlink("/nowhere/ü", join(root, "dangling"));
      const byPath = new Map((await collect(root)).map((e) => [e.path, e]));

      const dir = byPath.get("dir")!;
      assert.equal(dir.kind, "dir");
      assert.equal(dir.stat.mode, 0x800001ed);
      assert.equal(dir.stat.size, 0n);

      const exe = byPath.get("exe.sh")!;
      assert.equal(exe.kind, "file");
      assert.equal(exe.stat.mode, 0x1ed);
      assert.equal(exe.stat.size, 10n);

      const file = byPath.get("file.txt")!;
      assert.deepEqual({ ...file.stat, modTime: 0n }, {
        path: "file.txt",
        mode: 0x1a4,
        uid: 0,
        gid: 0,
        size: 5n,
        modTime: 0n,
      });

      const link = byPath.get("link")!;
      assert.equal(link.kind, "symlink");
      assert.equal(link.stat.mode, 0x080001ff);
      assert.equal(link.stat.linkname, "file.txt");
      assert.equal(link.stat.size, 8n);

      const dangling = byPath.get("dangling")!;
      assert.equal(dangling.stat.linkname, "/nowhere/ü");
      assert.equal(dangling.stat.size, BigInt(Buffer.byteLength("/nowhere/ü")));
    }));

  test("mtimes are nanoseconds since the epoch, as precise as the runtime's lstat", () =>
    withTempDir(async (root) => {
      const f = join(root, "f");
      await writeFile(f, "x");
      await utimes(f, 1_600_000_000.25, 1_600_000_000.25);
      const [entry] = await collect(root);
      assert.equal(entry.stat.modTime, 1_600_000_000_250_000_000n);
      const now = (await lstat(root, { bigint: true })).mtimeNs;
      assert.ok(now > 1_600_000_000_000_000_000n, "lstat gives ns since the epoch");
      // A freshly written file: the runtime's own ns value must come through unrounded.
      await writeFile(join(root, "g"), "y");
      const g = (await collect(root)).find((e) => e.path === "g")!;
      assert.equal(g.stat.modTime, (await lstat(join(root, "g"), { bigint: true })).mtimeNs);
    }));

  test("a second path to an emitted file is a hardlink to the first path", () =>
    withTempDir(async (root) => {
      await mkdir(join(root, "d"));
      await writeFile(join(root, "d/orig"), "12345");
      await link(join(root, "d/orig"), join(root, "b-link"));
      await link(join(root, "d/orig"), join(root, "z-link"));
      const entries = await collect(root);
      assert.deepEqual(entries.map((e) => [e.path, e.kind, e.stat.linkname]), [
        ["b-link", "file", undefined], // first in walk order is the original
        ["d", "dir", undefined],
        ["d/orig", "hardlink", "b-link"],
        ["z-link", "hardlink", "b-link"],
      ]);
      // Go's mkstat keeps the real size for hardlinks (BuildKit's checksum of the entry includes it).
      assert.equal(entries[2].stat.size, 5n);
    }));

  test("a hardlink whose first path was filtered out is a plain file", () =>
    withTempDir(async (root) => {
      await writeFile(join(root, "a"), "x");
      await link(join(root, "a"), join(root, "b"));
      const entries = await collect(root, { filter: (p) => p !== "a" });
      assert.deepEqual(entries.map((e) => [e.path, e.kind]), [["b", "file"]]);
    }));

  test("sockets are skipped", () =>
    withTempDir(async (root) => {
      await writeFile(join(root, "a"), "");
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(join(root, "sock"), resolve));
      try {
        assert.ok((await lstat(join(root, "sock"))).isSocket());
        assert.deepEqual(await paths(root), ["a"]);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    }));

  test("entries removed or renamed during the walk are skipped, not fatal", () =>
    withTempDir(async (root) => {
      const names = Array.from({ length: 40 }, (_, i) => `f${String(i).padStart(2, "0")}`);
      await makeTree(root, [...names, "g/", "g/old/", "g/old/x"]);
      const seen: string[] = [];
      for await (const e of walkTree(root)) {
        seen.push(e.path);
        if (e.path === "f00") {
          await rm(join(root, "f30")); // listed already, not yet stat'ed
          await rename(join(root, "g/old"), join(root, "g/new")); // not listed yet
        }
      }
      assert.deepEqual(seen, [...names.filter((n) => n !== "f30"), "g", "g/new", "g/new/x"]);
    }));
});

describe("walkTree() filter", () => {
  test("false skips an entry but walks into a directory, emitting it before its first emitted child", () =>
    withTempDir(async (root) => {
      await makeTree(root, ["a/", "a/b/", "a/b/keep", "a/b/drop", "a/c/", "a/c/drop", "z"]);
      const got = await paths(root, { filter: (p, isDir) => isDir ? false : !p.endsWith("drop") });
      assert.deepEqual(got, ["a", "a/b", "a/b/keep", "z"]);
    }));

  test('"skip-dir" does not walk into a directory', () =>
    withTempDir(async (root) => {
      await makeTree(root, ["node_modules/", "node_modules/x", "src/", "src/y"]);
      const asked: string[] = [];
      const got = await paths(root, {
        filter: (p) => {
          asked.push(p);
          return p === "node_modules" ? "skip-dir" : true;
        },
      });
      assert.deepEqual(got, ["src", "src/y"]);
      assert.deepEqual(asked, ["node_modules", "src", "src/y"]);
    }));

  test("the filter is told whether an entry is a directory", () =>
    withTempDir(async (root) => {
      await makeTree(root, ["d/", "f"]);
      await symlink("d", join(root, "l"));
      const asked: [string, boolean][] = [];
      await paths(root, { filter: (p, isDir) => (asked.push([p, isDir]), true) });
      assert.deepEqual(asked, [["d", true], ["f", false], ["l", false]]);
    }));
});
