/**
 * Persisted cache mounts (`cache(id, { persist })`): before the build, each
 * mount's persisted copy is looked up and handed to the lowering as the
 * cache's seed (the engine keys the cache on the seed, so an unchanged copy on
 * a warm engine re-runs nothing); after it, the mount's content is exported
 * and saved back only when its content digest changed.
 *
 * @module
 */
import { stat } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { DrydockError } from "../core/errors.ts";
import { formatLocation } from "../core/location.ts";
import type { CacheMount, ExecNode, Output } from "../dsl/graph.ts";
import { describePersist, type PersistTarget } from "../dsl/persist.ts";
import { image, local, scratch } from "../dsl/sources.ts";
import { type State, stateData } from "../dsl/state.ts";
import { formatPlatform } from "../core/platform.ts";
import { graphNodes } from "../llb/graph_walk.ts";
import type { CredentialLookup } from "./engine_push.ts";
import { PersistRegistry, RegistryRefusedError } from "./persist_registry.ts";
import { CorruptTarError, tarContent } from "./persist_tar.ts";

/** A persisted cache mount of the build, with the first step that uses it. */
export interface PersistedMount {
  readonly id: string;
  readonly target: PersistTarget;
  readonly mount: CacheMount;
  /** The first step using it: the save step runs on its root filesystem and platform. */
  readonly step: ExecNode;
  /** The first build target using it (its summary reports the mount). */
  readonly targetName: string;
}

/** A mount's seed, as found before the build. */
export interface PersistSeed {
  readonly mount: PersistedMount;
  /** The seed the lowering mounts as the cache's source; `null` starts it empty. */
  readonly seed: Output | null;
  /** The persisted copy's content digest, to tell whether the save changes anything. */
  readonly content?: string;
  /** Bytes of the persisted copy (the registry's compressed layer, or the tar file). */
  readonly size: number;
  readonly seconds: number;
  /** Why the cache starts empty, when it does: shown as a warning. */
  readonly warning?: string;
}

/** What drydock needs to reach a persisted copy. */
export interface PersistAccess {
  /** Relative `dir`/`file` paths resolve against it. */
  readonly base: string;
  readonly credentials: CredentialLookup;
  readonly signal?: AbortSignal;
}

/**
 * The persisted cache mounts of the targets' graphs, by cache id, each with the
 * first step using it. Throws when one id is persisted to two places.
 *
 * @example
 * ```ts
 * import { cache, image } from "@drydock/core";
 * import { findPersistedMounts } from "./persisted_cache.ts";
 * const npm = cache("npm", { persist: { dir: ".ci-cache" } });
 * const app = image("busybox").run("ls /c", { mounts: { "/c": npm } });
 * findPersistedMounts([{ name: "app", states: [app] }]).map((m) => m.id); // ["npm"]
 * ```
 */
export function findPersistedMounts(
  targets: readonly { readonly name: string; readonly states: readonly State[] }[],
): PersistedMount[] {
  const found = new Map<string, PersistedMount>();
  for (const t of targets) {
    for (const node of t.states.flatMap((s) => graphNodes(s))) {
      if (node.kind !== "exec") continue;
      for (const m of node.mounts) {
        if (m.kind !== "cache" || !m.persist) continue;
        const known = found.get(m.id);
        if (!known) {
          found.set(m.id, { id: m.id, target: m.persist, mount: m, step: node, targetName: t.name });
        } else if (describePersist(known.target) !== describePersist(m.persist)) {
          throw new DrydockError(
            "E_OPTION",
            (cwd) =>
              `cache "${m.id}" is persisted to ${describePersist(known.target)}${
                at(known.target, cwd)
              } and to ` +
              `${describePersist(m.persist!)}${at(m.persist!, cwd)}; one cache id keeps one persisted copy`,
          );
        }
      }
    }
  }
  return [...found.values()];
}

/**
 * Finds `m`'s persisted copy and the seed to mount. A missing or unusable copy
 * gives an empty cache and a warning; a registry that refuses, an error.
 *
 * @example
 * ```ts
 * import { findPersistedMounts, seedPersisted } from "./persisted_cache.ts";
 * // const seed = await seedPersisted(mounts[0], { base: "/src", credentials: () => Promise.resolve(undefined) });
 * // seed.seed === null && console.warn(seed.warning);
 * ```
 */
export async function seedPersisted(m: PersistedMount, access: PersistAccess): Promise<PersistSeed> {
  const started = performance.now();
  const done = (s: Omit<PersistSeed, "mount" | "seconds">): PersistSeed => ({
    mount: m,
    seconds: (performance.now() - started) / 1000,
    ...s,
  });
  const empty = (why: string) => done({ seed: null, size: 0, warning: `${why}; the cache starts empty` });
  const platform = formatPlatform(m.step.platform);
  if (m.target.kind === "image") {
    const registry = new PersistRegistry(m.target.ref, access.credentials, access.signal);
    let copy;
    try {
      copy = await registry.find();
    } catch (err) {
      throw persistError(m, err);
    }
    if (!copy) return empty("no persisted copy yet");
    if (!copy.content) return empty(`${copy.pinned} is not a drydock cache copy (overwritten or corrupt)`);
    const layer = await registry.layerProblem(copy).catch((err) => (err as Error).message);
    if (layer) return empty(`the persisted copy is unusable (${layer})`);
    const seed = stateData(image(copy.pinned, { platform })).output;
    return done({ seed, content: copy.content, size: copy.size });
  }
  const file = resolve(access.base, m.target.path);
  const size = await stat(file).then((s) => s.size, () => undefined);
  if (size === undefined) return empty("no persisted copy yet");
  let content;
  try {
    content = await tarContent(file);
  } catch (err) {
    if (err instanceof CorruptTarError) return empty(`the persisted copy is unusable (${err.message})`);
    throw persistError(m, err);
  }
  const name = basename(file);
  const archive = local(dirname(file), {
    include: [name],
    dockerignore: false,
    sharedKeyHint: `persist-${m.id}`,
  });
  const seed = stateData(scratch().platform(platform).copy(archive, name, "/", { unpack: true })).output;
  return done({ seed, content: content.digest, size });
}

/** The warning or error text for `m`: which mount, where it is persisted, and the build.ts line. */
export function aboutMount(m: PersistedMount, text: string): (cwd: string | undefined) => string {
  return (cwd) => `cache "${m.id}" (persist ${describePersist(m.target)}${at(m.target, cwd)}): ${text}`;
}

/** `err` as the build's error, naming the mount and its build.ts line. */
export function persistError(m: PersistedMount, err: unknown): DrydockError {
  const why = err instanceof RegistryRefusedError ? err.message : `${(err as Error).message}`;
  return new DrydockError("E_PERSIST", aboutMount(m, why), { cause: err });
}

function at(t: PersistTarget, cwd: string | undefined): string {
  return t.location ? ` at ${formatLocation(t.location, cwd)}` : "";
}
