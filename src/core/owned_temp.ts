/**
 * Temp names that carry their owner's pid, and the reaping of those whose owner is gone. SIGKILL cannot be
 * handled, so a killed drydock leaves its temp dir and a half-written archive; the next drydock that makes
 * the same kind of name removes them.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import process from "node:process";

/**
 * Makes the temp dir `<parent>/<prefix>-<pid>-XXXXXX`, after removing the `<prefix>-<pid>-*` dirs of
 * processes that no longer run.
 *
 * @example
 * ```ts
 * import { rmSync } from "node:fs";
 * import { makeOwnedTempDir } from "./owned_temp.ts";
 * const dir = makeOwnedTempDir("drydock"); // /tmp/drydock-4242-AbC123
 * rmSync(dir, { recursive: true });
 * ```
 */
export function makeOwnedTempDir(prefix: string, parent: string = tmpdir()): string {
  reapOrphans(parent, `${prefix}-`);
  return mkdtempSync(join(parent, `${prefix}-${process.pid}-`));
}

/**
 * The name a file is written under before it is renamed to `dest`: beside it, unique per writer
 * (`<dest>.partial-<pid>-<random>`), after removing the partial files of `dest` whose writer no longer runs.
 *
 * @example
 * ```ts
 * import { partialName } from "./owned_temp.ts";
 * partialName("out/image.tar"); // "out/image.tar.partial-4242-9f86d081884c"
 * ```
 */
export function partialName(dest: string): string {
  reapOrphans(dirname(dest), `${basename(dest)}.partial-`);
  return `${dest}.partial-${process.pid}-${randomBytes(6).toString("hex")}`;
}

/** Removes the entries of `dir` named `<prefix><pid>-...` whose process is gone. */
function reapOrphans(dir: string, prefix: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // not there yet: nothing to reap
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = /^(\d+)-/.exec(name.slice(prefix.length))?.[1];
    if (pid === undefined || isRunning(Number(pid))) continue;
    try {
      rmSync(join(dir, name), { recursive: true, force: true });
    } catch { /* another user's, or removed meanwhile: not ours to insist on */ }
  }
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code !== "ESRCH";
  }
}
