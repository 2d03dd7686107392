/**
 * Builds a state on a test engine and exports its filesystem to a fresh
 * directory, so tests can read what a build produced.
 *
 * @module
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

/** Builds `state` on `engine` and exports it to a temporary directory. */
export async function buildFiles(engine: TestEngine, state: State): Promise<BuiltFiles> {
  const dir = mkdtempSync(join(tmpdir(), "drydock-files-"));
  const statuses: StatusResponse[] = [];
  await buildTargets(
    { files: { state, output: { type: "local", dest: dir } } },
    { host: engine.host, onStatus: (_t, s) => statuses.push(s) },
  );
  return { dir, statuses, read: (p) => readFileSync(join(dir, p), "utf8") };
}
