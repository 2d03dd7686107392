/**
 * Builds a state on a test engine and exports its filesystem to a fresh
 * directory, so tests can read what a build produced.
 *
 * @module
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { after } from "node:test";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { buildTargets, type State } from "../../mod.ts";
import type { StatusResponse } from "../../src/proto/moby_buildkit_v1.gen.ts";
import type { TestEngine } from "./engines.ts";

/** A built filesystem on the local disk. */
export interface BuiltFiles {
  readonly dir: string;
  /** The text of a file, by path inside the built filesystem. */
  read(path: string): string;
  /** Every status update the engine sent. */
  readonly statuses: readonly StatusResponse[];
}

// Tests read the files after buildFiles returns, so the directories go after the test file's tests. Bun runs
// every test file in one process and evaluates this module once, so its `after` hook belongs to the first
// file that imported it: what later files made goes when the process exits (a Bun pass left 43 behind).
const made: string[] = [];
const removeMade = () => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
};
after(removeMade);
process.on("exit", removeMade);

/** Builds `state` on `engine` and exports it to a temporary directory (removed after the test file's tests). */
export async function buildFiles(engine: TestEngine, state: State): Promise<BuiltFiles> {
  const dir = mkdtempSync(join(tmpdir(), "drydock-files-"));
  made.push(dir);
  const statuses: StatusResponse[] = [];
  await buildTargets(
    { files: { state, output: { type: "local", dest: dir } } },
    { host: engine.host, onStatus: (_t, s) => statuses.push(s) },
  );
  return { dir, statuses, read: (p) => readFileSync(join(dir, p), "utf8") };
}
