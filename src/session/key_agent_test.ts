import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
const DENO = fileURLToPath(new URL("../../node_modules/.bin/deno", import.meta.url));

test("on Deno without --allow-run, starting the key agent fails naming the permission, not an install", {
  skip: !isDeno && "Deno's permissions",
}, () => {
  const agent = pathToFileURL(fileURLToPath(new URL("./key_agent.ts", import.meta.url))).href;
  // A file, not `deno eval`: eval grants every permission.
  const dir = mkdtempSync(join(tmpdir(), "drydock-agent-"));
  const file = join(dir, "start.ts");
  writeFileSync(
    file,
    `import { startKeyAgent } from ${JSON.stringify(agent)};\n` +
      `try { await startKeyAgent(["/nonexistent/id_ed25519"], 'ssh("default")'); } catch (e) { console.log(e.message); }\n`,
  );
  const args = ["run", "--no-prompt", "--allow-env", "--allow-read", "--allow-write", "--allow-net", file];
  const r = spawnSync(DENO, args, { encoding: "utf8" });
  rmSync(dir, { recursive: true });
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stdout,
    /^ssh\("default"\): no permission to run ssh-agent \(needed to load ssh keys\): run deno run -P build\.ts/,
  );
  assert.match(r.stdout, /--allow-run=ssh-agent,ssh-add\n$/);
  assert.doesNotMatch(r.stdout, /install|OpenSSH/);
});
