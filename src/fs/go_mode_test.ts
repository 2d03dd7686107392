import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  GoMode,
  goModeFromUnix,
  goModeKind,
  isRequestableGoMode,
  unixModeFromGo,
  unixPermissionsFromGo,
} from "./go_mode.ts";

// [name, unix st_mode, Go FileMode, kind]; Go values as seen on the wire or computed by Go's os package.
const table: [string, number, number, string][] = [
  ["dir 0755", 0o40755, 0x800001ed, "dir"],
  ["file 0644", 0o100644, 0x1a4, "file"],
  ["file 0755", 0o100755, 0x1ed, "file"],
  ["symlink", 0o120777, 0x080001ff, "symlink"],
  ["setuid file", 0o104755, 0x008001ed, "file"],
  ["setgid dir", 0o42775, 0x804001fd, "dir"],
  ["sticky dir 1777", 0o41777, 0x801001ff, "dir"],
  ["named pipe", 0o10644, 0x020001a4, "pipe"],
  ["block device", 0o60660, 0x040001b0, "device"],
  ["char device", 0o20666, 0x042001b6, "char-device"],
  ["socket", 0o140755, 0x010001ed, "socket"],
  ["all special bits", 0o107777, 0x00d001ff, "file"],
];

describe("goModeFromUnix() / unixModeFromGo()", () => {
  for (const [name, unix, go, kind] of table) {
    test(`${name}: 0o${unix.toString(8)} <-> 0x${go.toString(16)}`, () => {
      assert.equal(goModeFromUnix(unix), go);
      assert.equal(unixModeFromGo(go), unix);
      assert.equal(goModeKind(go), kind);
    });
  }

  test("results are unsigned 32-bit numbers", () => {
    assert.ok(goModeFromUnix(0o40700) > 0);
    assert.equal(goModeFromUnix(0o40700), 2147484096);
  });

  test("an unknown file type is irregular, never a regular file", () => {
    const go = goModeFromUnix(0o170644);
    assert.equal(goModeKind(go), "irregular");
    assert.equal(isRequestableGoMode(go), false);
  });
});

describe("isRequestableGoMode()", () => {
  test("only modes without type bits are requestable", () => {
    assert.equal(isRequestableGoMode(0o644), true);
    assert.equal(isRequestableGoMode(GoMode.Setuid | 0o755), true);
    for (
      const bit of [
        GoMode.Dir,
        GoMode.Symlink,
        GoMode.NamedPipe,
        GoMode.Socket,
        GoMode.Device,
        GoMode.Irregular,
      ]
    ) {
      assert.equal(isRequestableGoMode(bit | 0o644), false, `0x${bit.toString(16)}`);
    }
  });
});

describe("unixPermissionsFromGo()", () => {
  test("maps special bits and drops type bits", () => {
    assert.equal(unixPermissionsFromGo(0x800001ed), 0o755);
    assert.equal(unixPermissionsFromGo(GoMode.Setuid | GoMode.Setgid | GoMode.Sticky | 0o700), 0o7700);
  });
});
