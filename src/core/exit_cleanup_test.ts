import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";

function runScript(code: string): number | null {
  const dir = mkdtempSync(join(tmpdir(), "drydock-exit-"));
  try {
    const file = join(dir, "script.ts");
    writeFileSync(file, code.replaceAll("MODULE", new URL("./exit_cleanup.ts", import.meta.url).href));
    const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
    const r = spawnSync(process.execPath, isDeno ? ["run", "-A", file] : [file], { stdio: "ignore" });
    return r.status;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("onExit() cleanups run when the process exits without closing its resources", () => {
  const target = mkdtempSync(join(tmpdir(), "drydock-exit-target-"));
  mkdirSync(join(target, "kept"));
  mkdirSync(join(target, "left"));
  const status = runScript(`
    import { rmSync } from "node:fs";
    import process from "node:process";
    import { onExit } from "MODULE";
    onExit(() => rmSync(${JSON.stringify(join(target, "left"))}, { recursive: true }));
    const forget = onExit(() => rmSync(${JSON.stringify(join(target, "kept"))}, { recursive: true }));
    forget(); // closed normally: nothing to do at exit
    setTimeout(() => process.exit(3), 10);
  `);
  try {
    assert.equal(status, 3);
    assert.ok(!existsSync(join(target, "left")), "the registered cleanup ran");
    assert.ok(existsSync(join(target, "kept")), "an unregistered cleanup did not");
  } finally {
    rmSync(target, { recursive: true, force: true });
  }
});
