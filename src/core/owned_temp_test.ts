import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { makeOwnedTempDir, partialName } from "./owned_temp.ts";

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";

/** Runs a child that makes an owned temp dir and a partial file in `work`, and SIGKILLs it once they exist. */
async function killedWriter(work: string): Promise<number> {
  const file = join(work, "writer.ts");
  writeFileSync(
    file,
    `import { writeFileSync } from "node:fs";
    import { makeOwnedTempDir, partialName } from ${
      JSON.stringify(new URL("./owned_temp.ts", import.meta.url).href)
    };
    makeOwnedTempDir("drydock", ${JSON.stringify(join(work, "tmp"))});
    writeFileSync(partialName(${JSON.stringify(join(work, "out", "image.tar"))}), "half");
    console.log("ready");
    setInterval(() => {}, 1000);`,
  );
  const child = spawn(process.execPath, isDeno ? ["run", "-A", file] : [file], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (c) => String(c).includes("ready") && resolve());
    child.once("exit", (code) => reject(new Error(`the writer exited first (${code})`)));
  });
  const gone = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await gone;
  return child.pid!;
}

test("a SIGKILLed owner's temp dir and partial file are removed when the next ones of their kind are made", async () => {
  const work = mkdtempSync(join(tmpdir(), "drydock-owned-"));
  try {
    mkdirSync(join(work, "tmp"));
    mkdirSync(join(work, "out"));
    const pid = await killedWriter(work);
    const tmp = join(work, "tmp"), out = join(work, "out");
    assert.ok(
      readdirSync(tmp).some((d) => d.startsWith(`drydock-${pid}-`)),
      "the killed owner's dir is left",
    );
    assert.ok(
      readdirSync(out).some((f) => f.startsWith(`image.tar.partial-${pid}-`)),
      "and its partial file",
    );
    // Names of a running owner (this process's parent), and names not in the owned form, are kept.
    const live = `drydock-${process.ppid}-keep01`;
    mkdirSync(join(tmp, live));
    mkdirSync(join(tmp, "drydock-ssh-abc123"));
    writeFileSync(join(out, "other.tar.partial-1-abc"), "");

    const mine = makeOwnedTempDir("drydock", tmp);
    const partial = partialName(join(out, "image.tar"));

    assert.ok(mine.startsWith(join(tmp, `drydock-${process.pid}-`)), mine);
    assert.match(partial, new RegExp(`image\\.tar\\.partial-${process.pid}-[0-9a-f]{12}$`));
    assert.deepEqual(
      readdirSync(tmp).sort(),
      [mine.slice(tmp.length + 1), "drydock-ssh-abc123", live].sort(),
    );
    assert.deepEqual(readdirSync(out), ["other.tar.partial-1-abc"]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
