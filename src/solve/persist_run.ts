/**
 * Persisted cache mounts over one build: every mount seeded before the first
 * target starts, every one saved after the last target is built.
 *
 * @module
 */
import type { CacheSeeds } from "../llb/cache_seeds.ts";
import type { State } from "../dsl/state.ts";
import type { StatusResponse } from "../proto/moby_buildkit_v1.gen.ts";
import { type PersistedCacheReport, savePersisted, type SaveRun } from "./persist_save.ts";
import {
  aboutMount,
  findPersistedMounts,
  type PersistAccess,
  type PersistSeed,
  seedPersisted,
} from "./persisted_cache.ts";

/** The seeds of one build's persisted mounts, and their save. */
export interface PersistRun {
  /** For the lowering: each persisted cache id's seed. */
  readonly cacheSeeds: CacheSeeds;
  readonly seeds: readonly PersistSeed[];
  /** Saves every mount; each report goes with the target that used the mount first. */
  save(run: SaveEngine): Promise<{ target: string; report: PersistedCacheReport }[]>;
}

/** The engine the saves run on, and where their progress goes (with the target using the mount). */
export type SaveEngine = Omit<SaveRun, keyof PersistAccess | "cacheSeeds" | "onStatus"> & {
  readonly onStatus?: (target: string, status: StatusResponse) => void;
};

/**
 * Finds the targets' persisted cache mounts and their seeds (none with `noPersist`); a missing or
 * corrupt copy is told to `warn` (with the target using it) and starts empty.
 *
 * @example
 * ```ts
 * import { seedBuild } from "./persist_run.ts";
 * // const persist = await seedBuild(targets, { base, credentials }, false, (target, m) => console.warn(m), cwd);
 * // ...build with persist.cacheSeeds, then: await persist.save({ transport, features, sharedKey });
 * ```
 */
export async function seedBuild(
  targets: readonly { readonly name: string; readonly states: readonly State[] }[],
  access: PersistAccess,
  noPersist: boolean | undefined,
  warn: (target: string, message: string) => void,
  cwd: string | undefined,
): Promise<PersistRun> {
  const mounts = noPersist ? [] : findPersistedMounts(targets);
  const seeds = await Promise.all(mounts.map((m) => seedPersisted(m, access)));
  for (const s of seeds) if (s.warning) warn(s.mount.targetName, aboutMount(s.mount, s.warning)(cwd));
  const cacheSeeds = new Map(seeds.map((s) => [s.mount.id, s.seed]));
  return {
    cacheSeeds,
    seeds,
    async save(run) {
      const reports = [];
      // One at a time: the copies hold what the whole build left in the caches.
      for (const s of seeds) {
        const target = s.mount.targetName;
        const onStatus = (status: StatusResponse) => run.onStatus?.(target, status);
        reports.push({ target, report: await savePersisted(s, { ...access, ...run, cacheSeeds, onStatus }) });
      }
      return reports;
    },
  };
}
