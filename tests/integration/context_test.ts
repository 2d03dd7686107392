// A local context with nested dirs, a symlink, an executable, an empty file and
// a 64 MiB file arrives intact: checksums are compared inside the build.
// On Bun this is also the test of src/session/initial_window_shim.ts: without it, Bun's HTTP/2 server
// stops sending the 64 MiB file for good on every engine (the engine raises the stream window mid-transfer).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildTargets, image, local, scratch } from "../../mod.ts";
import { dk20, dk26c, dk28, skipWithout, type TestEngine } from "../support/engines.ts";

let ctx: string;
let out: string;

before(() => {
  ctx = mkdtempSync(join(tmpdir(), "drydock-ctx-"));
  out = mkdtempSync(join(tmpdir(), "drydock-out-"));
  mkdirSync(join(ctx, "a/b/c"), { recursive: true });
  writeFileSync(join(ctx, "a/b/c/deep.txt"), "deep\n");
  writeFileSync(join(ctx, "a-c.txt"), "sorts after a/ bytewise\n");
  writeFileSync(join(ctx, "empty"), "");
  chmodSync(join(ctx, "empty"), 0o644);
  writeFileSync(join(ctx, "run.sh"), "#!/bin/sh\necho ran\n");
  chmodSync(join(ctx, "run.sh"), 0o755);
  symlinkSync("a/b/c/deep.txt", join(ctx, "link"));
  // 64 MiB of random bytes, written in pieces to keep memory low.
  const big = join(ctx, "big.bin");
  writeFileSync(big, "");
  const hash = createHash("sha256");
  for (let i = 0; i < 64; i++) {
    const chunk = randomBytes(1024 * 1024);
    hash.update(chunk);
    writeFileSync(big, chunk, { flag: "a" });
  }
  chmodSync(big, 0o644);
  const sums = [
    `${hash.digest("hex")}  big.bin`,
    ...["a/b/c/deep.txt", "a-c.txt", "empty", "run.sh"].map((f) =>
      `${createHash("sha256").update(readFileSync(join(ctx, f))).digest("hex")}  ${f}`
    ),
  ];
  writeFileSync(join(ctx, "SHA256SUMS"), sums.join("\n") + "\n");
});

after(() => {
  rmSync(ctx, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

function contextOn(engine: TestEngine | undefined, label: string) {
  // A stalled upload fails here in 2 minutes instead of at the suite's timeout.
  const options = { skip: skipWithout(engine, label), timeout: 120_000 };
  test(`a local context arrives intact on ${label}`, options, async () => {
    const checked = image("busybox")
      .copy(local(ctx), ".", "/ctx")
      .workdir("/ctx")
      .run([
        "sh",
        "-ec",
        [
          "sha256sum -c SHA256SUMS",
          "test -x run.sh && ./run.sh",
          'test "$(readlink link)" = a/b/c/deep.txt',
          "test -L link && cat link",
          "test -d a/b/c",
          "stat -c '%s %a %u:%g %n' big.bin run.sh empty > /report.txt",
        ].join("\n"),
      ]);
    const report = scratch().copy(checked, "/report.txt", "/copied-report.txt");
    const dest = join(out, engine!.name);
    await buildTargets(
      { report: { state: report, output: { type: "local", dest } } },
      { host: engine!.host },
    );
    const lines = readFileSync(join(dest, "copied-report.txt"), "utf8").trim().split("\n");
    // uid/gid 0 in the image, modes kept, the whole 64 MiB there.
    assert.deepEqual(lines, ["67108864 644 0:0 big.bin", "19 755 0:0 run.sh", "0 644 0:0 empty"]);
  });
}

describe("local context upload", () => {
  contextOn(dk26c, "Docker 26.1 (containerd store)");
  contextOn(dk28, "Docker 28.5 (containerd store)");
  contextOn(dk20, "Docker 20.10");
});
