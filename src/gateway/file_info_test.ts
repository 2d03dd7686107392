import { test } from "node:test";
import assert from "node:assert/strict";
import { fileInfoOf } from "./file_info.ts";

test("fileInfoOf() reads Go's directory, symlink and file modes as unix modes", () => {
  const dir = fileInfoOf({
    path: "a/etc",
    mode: 0x800001ed,
    size: 4096n,
    modTime: 1_700_000_000_123_000_000n,
  });
  assert.equal(dir.name, "etc");
  assert.equal(dir.isDirectory, true);
  assert.equal(dir.mode, 0o40755);
  assert.equal(dir.permissions, 0o755);
  assert.equal(dir.mtime.getTime(), 1_700_000_000_123);

  const link = fileInfoOf({ path: "sh", mode: 0x080001ff, linkname: "busybox" });
  assert.equal(link.isSymlink, true);
  assert.equal(link.mode, 0o120777);
  assert.equal(link.linkTarget, "busybox");

  const file = fileInfoOf({ path: "VERSION", mode: 0o644 | 0x00800000, size: 6n, uid: 1000, gid: 1000 });
  assert.equal(file.isFile, true);
  assert.equal(file.permissions, 0o4644);
  assert.equal(file.size, 6);
  assert.equal(file.uid, 1000);
});
