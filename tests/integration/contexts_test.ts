// Named build contexts on real engines: context("src", local("a")) replaced from the command line by a
// directory, an image and another target; an unknown name fails before any engine is asked.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { runBuildFile } from "../support/runtime.ts";

const BUILD = fileURLToPath(new URL("./fixtures/contexts/build.ts", import.meta.url));

for (const engine of [dk26c, dk28]) {
  describe(`named build contexts on ${engine?.name ?? "an engine"}`, { skip: skipWithout(engine) }, () => {
    const run = async (args: string[]) => {
      const nonce = unique("ctx");
      const out = mkdtempSync(join(tmpdir(), "drydock-ctx-"));
      try {
        const r = await runBuildFile(BUILD, [...args, "-o", out, "--progress", "plain"], {
          DOCKER_HOST: `unix://${(engine as TestEngine).socket}`,
          BUILDKIT_HOST: undefined,
          CONTEXT_NONCE: nonce,
        });
        assert.equal(r.code, 0, r.stderr);
        return readFileSync(join(out, "out.txt"), "utf8").replace(`${nonce}\n`, "");
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    };

    test('--build-context src=DIR, docker-image://busybox and target:NAME replace local("a")', async () => {
      assert.equal(await run([]), "from a\n");
      const dir = mkdtempSync(join(tmpdir(), "drydock-ctx-src-"));
      try {
        writeFileSync(join(dir, "file.txt"), "from the flag's directory\n");
        assert.equal(await run(["--build-context", `src=${dir}`]), "from the flag's directory\n");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      assert.equal(await run(["--build-context", "src=docker-image://busybox"]), "/src/bin/busybox\n");
      assert.equal(await run(["--build-context", "src=target:other"]), "from the other target\n");
    });

    test("steps on a context start from the config of its replacement (a dockerfile() target's)", async () => {
      assert.equal(await run(["configured"]), "mark=\n/\n");
      assert.equal(
        await run(["configured", "--build-context", "base=target:marked"]),
        "mark=marked\n/marked\n",
      );
    });

    test("an unknown context name is a usage error listing the declared names", async () => {
      const r = await runBuildFile(BUILD, ["--build-context", "sources=."], {
        DOCKER_HOST: `unix://${(engine as TestEngine).socket}`,
        BUILDKIT_HOST: undefined,
      });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /unknown build context "sources": the targets built declare src/);
    });
  });
}
