/**
 * The session's shared key: with a local folder's name, it picks the copy of that folder the engine
 * keeps from earlier builds and syncs against.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { State } from "../dsl/state.ts";
import { type ContextOverrides, graphNodes } from "../llb/graph_walk.ts";

/**
 * The shared key of one target's session, from the machine, the build's base directory and the local
 * folders the target reads (each name with the folder it stands for). Names are relative to each
 * build.ts, so two build.ts files in different folders run from one directory would otherwise share the
 * engine's copy of `.`: each upload a diff against the other folder, and on BuildKit 0.8 a content
 * checksum that missed the cache of what `docker build` had made from the same files.
 *
 * @example
 * ```ts
 * import { local, scratch } from "@drydock/core";
 * import { sessionSharedKey } from "./session_key.ts";
 * const state = scratch().copy(local("app"), ".", "/app");
 * sessionSharedKey("host", "/src", [state]) === sessionSharedKey("host", "/src", [state]); // true
 * ```
 */
export function sessionSharedKey(
  host: string,
  base: string,
  states: readonly State[],
  contexts?: ContextOverrides,
): string {
  const folders = new Set<string>();
  for (const state of states) {
    for (const node of graphNodes(state, contexts)) {
      if (node.kind === "source" && node.type === "local") folders.add(`${node.sessionName}\0${node.dir}`);
    }
  }
  const hash = createHash("sha256").update(`${host}\n${base}`);
  for (const folder of [...folders].sort()) hash.update(`\n${folder}`);
  return hash.digest("hex").slice(0, 32);
}
