/**
 * The summary line of a persisted cache mount.
 *
 * @module
 */
import type { PersistedCacheReport } from "../solve/persist_save.ts";

/**
 * One persisted cache mount's line: where, how big, seed and save times, and on several nodes the node
 * it was saved from.
 *
 * @example
 * ```ts
 * import { describePersisted } from "./persisted_line.ts";
 * describePersisted({
 *   id: "npm", persist: "ci/npm.tar", seeded: true, seedSeconds: 0.2, size: 8.2e6, saveSeconds: 0.4,
 *   outcome: "unchanged", content: "sha256:…", node: { name: "x86", alsoUsedOn: [] },
 * }); // "cache npm persisted to ci/npm.tar: 8.2 MB; seeded in 0.2 s; unchanged, nothing saved (from node x86)"
 * ```
 */
export function describePersisted(p: PersistedCacheReport): string {
  const size = p.size < 1e6 ? `${(p.size / 1e3).toFixed(1)} kB` : `${(p.size / 1e6).toFixed(1)} MB`;
  const seed = p.seeded ? `seeded in ${p.seedSeconds.toFixed(1)} s` : "started empty";
  const save = p.outcome === "saved" ? `saved in ${p.saveSeconds.toFixed(1)} s` : "unchanged, nothing saved";
  const also = p.node?.alsoUsedOn.length ? `; ${p.node.alsoUsedOn.join(", ")} used it too` : "";
  const node = p.node ? ` (from node ${p.node.name}${also})` : "";
  return `cache ${p.id} persisted to ${p.persist}: ${size}; ${seed}; ${save}${node}`;
}
