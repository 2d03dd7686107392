import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { init, initFiles, PACKAGE_NAME } from "./init.ts";
import { UsageError } from "./usage_error.ts";
import { VERSION } from "./version.ts";

test("init writes build.ts, deno.json, package.json and .dockerignore and names them", () => {
  const dir = mkdtempSync(join(tmpdir(), "drydock-init-"));
  try {
    assert.deepEqual(init(dir), ["build.ts", "deno.json", "package.json", ".dockerignore"]);
    assert.match(readFileSync(join(dir, "build.ts"), "utf8"), /from "@drydock\/core";/);
    const deno = JSON.parse(readFileSync(join(dir, "deno.json"), "utf8"));
    assert.equal(deno.tasks.build, "deno run -P build.ts");
    assert.ok(!/(^|\s)-A(\s|$)/.test(deno.tasks.build));
    assert.deepEqual(Object.keys(deno.permissions.default).sort(), [
      "env",
      "net",
      "read",
      "run",
      "sys",
      "write",
    ]);
    assert.ok(deno.permissions.default.run.includes("ssh-agent"));
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    assert.equal(pkg.dependencies[PACKAGE_NAME], `^${VERSION}`);
    assert.match(readFileSync(join(dir, ".dockerignore"), "utf8"), /^node_modules$/m);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("init refuses to overwrite: one existing file means nothing is written", () => {
  const dir = mkdtempSync(join(tmpdir(), "drydock-init-"));
  try {
    writeFileSync(join(dir, "deno.json"), "{}\n");
    assert.throws(
      () => init(dir),
      (err) => err instanceof UsageError && /deno\.json already exists/.test(err.message),
    );
    assert.equal(readFileSync(join(dir, "deno.json"), "utf8"), "{}\n");
    assert.throws(() => readFileSync(join(dir, "build.ts")), /ENOENT/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("init keeps an existing package.json (a project that installed drydock first) and writes the rest", () => {
  const dir = mkdtempSync(join(tmpdir(), "drydock-init-"));
  try {
    writeFileSync(join(dir, "package.json"), '{"dependencies":{"@drydock/core":"file:../x.tgz"}}\n');
    assert.deepEqual(init(dir), ["build.ts", "deno.json", ".dockerignore"]);
    assert.equal(
      readFileSync(join(dir, "package.json"), "utf8"),
      '{"dependencies":{"@drydock/core":"file:../x.tgz"}}\n',
    );
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("the image is named after the folder, as a valid repository name", () => {
  assert.match(initFiles("My App!")["build.ts"], /image: "my-app:latest"/);
  assert.match(initFiles("...")["build.ts"], /image: "app:latest"/);
});
