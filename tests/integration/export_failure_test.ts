// Exports that fail or collide: refused before the build, or failing their target at once (never a hang).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildTargets, DrydockError, image } from "../../mod.ts";
import { dk26c, skipWithout } from "../support/engines.ts";
import { runBuildFile } from "../support/runtime.ts";

const BUILD = fileURLToPath(new URL("../fixtures/cli/cli_build.ts", import.meta.url));
const NO_ENGINE = { DOCKER_HOST: "unix:///nonexistent/docker.sock", BUILDKIT_HOST: undefined };

test("`-o DIR` with two targets is refused before any engine is contacted, naming both", async () => {
  const dir = mkdtempSync(join(tmpdir(), "drydock-collide-"));
  try {
    const r = await runBuildFile(BUILD, ["-o", join(dir, "out"), "ok", "also"], NO_ENGINE);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /target "also" writes its local directory to .*out, as target "ok"'s local directory/,
    );
    assert.match(r.stderr, /cli_build\.ts:\d+:\d+/);
    assert.doesNotMatch(r.stderr, /Cannot reach/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  "a local export failing mid-stream fails its target with the error and cancels the other (dk26c)",
  { skip: skipWithout(dk26c, "dk26c") },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "drydock-export-fail-"));
    const immutable = join(dir, "a/f5.txt");
    mkdirSync(join(dir, "a"));
    writeFileSync(immutable, "old");
    // An immutable file the export must replace: unlink fails with EPERM halfway through the tree.
    execFileSync("chattr", ["+i", immutable]);
    try {
      const files = image("busybox").run(
        `for i in 1 2 3 4 5 6 7 8 9; do head -c 200000 /dev/urandom > /f$i.txt; done`,
      );
      const building = buildTargets({
        a: { state: files, output: { type: "local", dest: join(dir, "a") } },
        b: { state: files, output: { type: "local", dest: join(dir, "b") } },
      }, { host: dk26c!.host });
      // Before the fix this hung for good; a bound keeps a regression from hanging the suite.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const hang = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("the build hung after its export failed")), 120_000);
      });
      try {
        await assert.rejects(Promise.race([building, hang]), (err: unknown) => {
          assert.ok(err instanceof DrydockError, String(err));
          assert.equal(err.code, "E_EXPORT");
          assert.match(err.message, /writing export to .*\/a: EPERM.*f5\.txt/);
          return true;
        });
      } finally {
        clearTimeout(timer);
      }
    } finally {
      execFileSync("chattr", ["-i", immutable]);
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
