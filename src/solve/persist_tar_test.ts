import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Buffer } from "node:buffer";
import { CorruptTarError, tarContent, TarDigest } from "./persist_tar.ts";

/** Tars a small tree (`tweak` changes it first) with the system tar, as `format` (gnu, pax, ustar). */
function tarOf(dir: string, name: string, format: string, tweak: (root: string) => void = () => {}): string {
  const root = join(dir, `${name}-tree`);
  mkdirSync(join(root, "pkgs/deep"), { recursive: true });
  writeFileSync(join(root, "pkgs/a.txt"), "alpha\n");
  writeFileSync(join(root, "pkgs/deep", "x".repeat(120)), "a long name\n");
  symlinkSync("a.txt", join(root, "pkgs/link"));
  tweak(root);
  const file = join(dir, `${name}.tar`);
  execFileSync("tar", [`--format=${format}`, "-cf", file, "-C", root, "."]);
  return file;
}

test("`tarContent()`: the same files give the same digest, whatever their times or the tar format", async () => {
  const dir = mkdtempSync(join(tmpdir(), "drydock-tar-"));
  try {
    const a = await tarContent(tarOf(dir, "a", "gnu"));
    const b = await tarContent(tarOf(dir, "b", "pax", (root) => utimesSync(join(root, "pkgs/a.txt"), 1, 1)));
    assert.equal(a.digest, b.digest);
    assert.equal(a.size, "alpha\n".length + "a long name\n".length);
    assert.equal(a.entries, 5); // pkgs, pkgs/a.txt, pkgs/deep, the long name, pkgs/link
    const changed = await tarContent(
      tarOf(dir, "c", "gnu", (root) => writeFileSync(join(root, "pkgs/a.txt"), "b\n")),
    );
    assert.notEqual(changed.digest, a.digest);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("`TarDigest` reads an archive fed in chunks of any size", async () => {
  const dir = mkdtempSync(join(tmpdir(), "drydock-tar-"));
  try {
    const file = tarOf(dir, "a", "pax");
    const bytes = readFileSync(file);
    for (const size of [1, 7, 512, 100_000]) {
      const d = new TarDigest();
      for (let i = 0; i < bytes.length; i += size) d.push(bytes.subarray(i, i + size));
      assert.equal(d.finish().digest, (await tarContent(file)).digest, `chunks of ${size}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("`TarDigest` refuses what is not a whole tar archive", () => {
  const garbage = new TarDigest();
  assert.throws(() => garbage.push(Buffer.from("not a tar archive".repeat(64))), CorruptTarError);
  const dir = mkdtempSync(join(tmpdir(), "drydock-tar-"));
  try {
    const bytes = readFileSync(tarOf(dir, "a", "gnu"));
    const cut = new TarDigest();
    cut.push(bytes.subarray(0, 1024));
    assert.throws(() => cut.finish(), /cut short/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
