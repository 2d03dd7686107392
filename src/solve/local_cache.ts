/**
 * The client's side of BuildKit's `local` cache: a content store per cache
 * directory served on the session, import digests read from the directory's
 * `index.json`, and the exported cache manifest tagged there after the build
 * (as buildctl and buildx do).
 *
 * @module
 */
import { existsSync } from "node:fs";
import { LocalContentStore } from "../session/content_store.ts";
import type { CacheExport, CacheImport } from "./cache.ts";

/** What a build with local cache needs before and after the solve. */
export interface LocalCachePlan {
  /** Imports to send: local ones with their digest, missing ones dropped. */
  readonly imports: readonly CacheImport[];
  /** Content stores to serve, by store id (`local:<dir>`). */
  readonly stores: ReadonlyMap<string, LocalContentStore>;
  /** Local imports that were skipped, and why. */
  readonly notices: readonly string[];
  /** Tags the exported cache manifest (`cache.manifest` in the response) in each export directory. */
  finish(exporterResponse: Readonly<Record<string, string>>): void;
}

/**
 * Prepares local cache directories (paths must be absolute).
 *
 * @example
 * ```ts
 * import { planLocalCache } from "./local_cache.ts";
 * const plan = planLocalCache([{ type: "local", src: "/tmp/c" }], [{ type: "local", dest: "/tmp/c", mode: "max" }]);
 * // serve plan.stores on the session, solve, then plan.finish(response.exporterResponse)
 * ```
 */
export function planLocalCache(
  imports: readonly CacheImport[],
  exports: readonly CacheExport[],
): LocalCachePlan {
  const stores = new Map<string, LocalContentStore>();
  const notices: string[] = [];
  const kept: CacheImport[] = [];
  for (const i of imports) {
    if (i.type !== "local") {
      kept.push(i);
      continue;
    }
    const store = new LocalContentStore(i.src);
    const tag = i.tag ?? "latest";
    const digest = i.digest ?? (existsSync(i.src) ? store.tagged(tag)?.digest : undefined);
    if (!digest) {
      // As buildctl does: a cache that is not there yet is not an error.
      notices.push(`no local cache tagged "${tag}" in ${i.src} yet; building without it`);
      continue;
    }
    stores.set(`local:${i.src}`, store);
    kept.push({ type: "local", src: i.src, digest });
  }
  const targets: { store: LocalContentStore; tag: string }[] = [];
  for (const e of exports) {
    if (e.type !== "local") continue;
    const store = new LocalContentStore(e.dest);
    stores.set(`local:${e.dest}`, store);
    targets.push({ store, tag: e.tag ?? "latest" });
  }
  return {
    imports: kept,
    stores,
    notices,
    finish(exporterResponse) {
      const manifest = exporterResponse["cache.manifest"];
      if (!manifest || targets.length === 0) return;
      const desc = JSON.parse(manifest);
      for (const t of targets) t.store.tag(t.tag, desc);
    },
  };
}
