// File operations: every copy option, mkdir, mkfile, rm and dir(), checked
// with stat inside the built filesystem on real engines.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { image, type State } from "../../mod.ts";
import { dk20, dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { buildFiles } from "../support/build_files.ts";

const WHEN = new Date("2001-02-03T04:05:06Z");

function source(): State {
  return image("busybox").env("SALT", unique("salt")).run(
    "mkdir -p /src/dir/sub && echo a > /src/dir/a.txt && echo b > /src/dir/b.log && echo s > /src/dir/sub/s.txt" +
      " && ln -s dir/a.txt /src/link && echo one > /src/one.txt && echo two > /src/two.txt",
  );
}

const REPORT = [
  "set -e; mkdir -p /r; cd /t",
  "find . | sort > /r/tree",
  "stat -c '%a %u %g %Y' owned.txt > /r/owned",
  "stat -c '%u %g' ids.txt > /r/ids",
  "stat -c '%a %u %g' m m/deep > /r/mkdir",
  "stat -c '%a %u %g %Y' m/f > /r/mkfile && cat m/f >> /r/mkfile",
  "(test -L link-keep && readlink link-keep || echo not-a-link) > /r/link-keep",
  "(test -L link-follow && echo link || cat link-follow) > /r/link-follow",
].join("\n");

function fileOps(patterns: boolean): State {
  const src = source();
  let s = image("busybox")
    .copy(src, "/src/dir", "/t/contents")
    .copy(src, "/src/dir", "/t/asdir/", { contentsOnly: false })
    .copy(src, "/src/link", "/t/link-follow")
    .copy(src, "/src/link", "/t/link-keep", { followSymlinks: false })
    .copy(src, "/src/*.txt", "/t/wild/")
    .copy(src, "/src/one.txt", "/t/owned.txt", { chown: "nobody:nogroup", chmod: 0o640, timestamp: WHEN })
    .copy(src, "/src/two.txt", "/t/ids.txt", { chown: { user: 1234, group: 5678 } })
    .copy(src.dir("/src/dir"), "/", "/t/dirstate/");
  if (patterns) {
    s = s.copy(src, "/src/dir", "/t/inc/", { include: ["*.txt", "sub/**"] })
      .copy(src, "/src/dir", "/t/exc/", { exclude: ["*.log"] });
  }
  return s
    .mkdir("/t/m/deep", { mode: 0o700, chown: "1000:1000" })
    .mkfile("/t/m/f", "hello", { mode: 0o600, chown: 42, timestamp: WHEN })
    .rm("/t/wild/two.txt")
    .rm("/t/nope", { allowNotFound: true })
    .rm("/t/contents/*.txt", { allowWildcard: true })
    .run(REPORT);
}

function fileOpsOn(engine: TestEngine | undefined, label: string, patterns: boolean) {
  test(
    `copy options, mkdir, mkfile, rm and dir() (${label})`,
    { skip: skipWithout(engine, label) },
    async () => {
      const built = await buildFiles(engine!, fileOps(patterns).dir("/r"));
      const tree = built.read("tree").trim().split("\n");
      const has = (p: string) => tree.includes(p);
      assert.ok(has("./contents/b.log") && has("./contents/sub/s.txt"), "a directory's contents are copied");
      assert.ok(!has("./contents/a.txt"), "rm with a wildcard removed *.txt");
      assert.ok(has("./asdir/dir/a.txt"), "contentsOnly: false copies the directory itself");
      assert.ok(has("./wild/one.txt") && !has("./wild/two.txt"), "wildcards copy, rm removes");
      assert.ok(has("./dirstate/a.txt") && has("./dirstate/sub/s.txt"), "dir() makes a subtree the root");
      if (patterns) {
        assert.ok(has("./inc/a.txt") && has("./inc/sub/s.txt") && !has("./inc/b.log"), "include patterns");
        assert.ok(has("./exc/a.txt") && !has("./exc/b.log"), "exclude patterns");
      }
      assert.equal(built.read("owned"), `640 65534 65534 ${WHEN.getTime() / 1000}\n`);
      assert.equal(built.read("ids"), "1234 5678\n");
      // The engine gives created parents the leaf's mode and owner.
      assert.equal(built.read("mkdir"), "700 1000 1000\n700 1000 1000\n");
      // A numeric user without a group gets the same number as group, as `chown 42` in BuildKit.
      assert.equal(built.read("mkfile"), `600 42 42 ${WHEN.getTime() / 1000}\nhello`);
      assert.equal(built.read("link-keep"), "dir/a.txt\n");
      assert.equal(built.read("link-follow"), "a\n");
    },
  );

  test(`strict file options fail the build (${label})`, { skip: skipWithout(engine, label) }, async () => {
    const src = source();
    const base = image("busybox");
    await assert.rejects(
      buildFiles(engine!, base.copy(src, "/src/*.none", "/x/", { allowEmptyWildcard: false })),
      /\*\.none/,
    );
    await assert.rejects(buildFiles(engine!, base.mkdir("/no/such/parent", { parents: false })), /no\/such/);
    await assert.rejects(
      buildFiles(engine!, base.copy(src, "/src/one.txt", "/no/dir/one.txt", { createDestPath: false })),
      /no\/dir/,
    );
    // BuildKit 0.8 ignores a missing path even without allowNotFound.
    if (engine!.name !== "dk20") {
      await assert.rejects(buildFiles(engine!, base.rm("/no-such-file")), /no-such-file/);
    }
  });
}

describe("file operations", () => {
  fileOpsOn(dk26c, "Docker 26.1, containerd store", true);
  fileOpsOn(dk28, "Docker 28.5, containerd store", true);
  fileOpsOn(dk20, "Docker 20.10", false);

  test("include/exclude patterns are refused by name on BuildKit 0.8, never ignored (Docker 20.10)", {
    skip: skipWithout(dk20, "Docker 20.10"),
  }, async () => {
    const s = image("busybox").copy(source(), "/src", "/t/", { exclude: ["*.log"] });
    await assert.rejects(buildFiles(dk20!, s), /file\.copy\.includeexcludepatterns/);
  });
});
