// A build.ts at the package root (where the README's first snippet puts it) is the user's program,
// not drydock's own code: its flags and target names are honoured.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runBuildFile } from "../support/runtime.ts";

const NO_ENGINE = { DOCKER_HOST: "unix:///nonexistent/docker.sock", BUILDKIT_HOST: undefined };

async function withRootBuildFile(fn: (file: string) => Promise<void>): Promise<void> {
  // A unique name: tests on Deno and Bun may run at once.
  const file = fileURLToPath(
    new URL(`../../build-root-${randomBytes(4).toString("hex")}.ts`, import.meta.url),
  );
  writeFileSync(
    file,
    `import { build, image } from "./mod.ts";\n` +
      `const base = image("busybox");\n` +
      `await build({\n` +
      `  app: { state: base.run("echo app"), description: "the app" },\n` +
      `  other: base.run("echo other"),\n` +
      `}, { default: "app" });\n`,
  );
  try {
    await fn(file);
  } finally {
    rmSync(file, { force: true });
  }
}

test("a build.ts at the package root honours --help, --bogus, target names and --dry-run", async () => {
  await withRootBuildFile(async (file) => {
    const help = await runBuildFile(file, ["--help"], NO_ENGINE);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^Usage: build-root-[0-9a-f]+\.ts /);
    assert.match(help.stdout, /app +the app \(default\)/);

    const bogus = await runBuildFile(file, ["--bogus"], NO_ENGINE);
    assert.equal(bogus.code, 2, bogus.stderr);
    assert.match(bogus.stderr, /--bogus/);

    const unknown = await runBuildFile(file, ["nosuch"], NO_ENGINE);
    assert.equal(unknown.code, 2, unknown.stderr);
    assert.match(unknown.stderr, /nosuch/);

    const dry = await runBuildFile(file, ["--dry-run", "other"], NO_ENGINE);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^other: \d+ LLB ops, sha256:/);
    assert.doesNotMatch(dry.stdout, /^app:/m);
  });
});
