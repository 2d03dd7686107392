/**
 * Saving a persisted cache mount after the build: a step on the first using
 * step's root filesystem copies the mount into an empty output, exported as a
 * tar; its content digest decides whether anything is written. A tar file is
 * written beside its final name and renamed; a registry copy is pushed by
 * digest with the tag moved last.
 *
 * @module
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import process from "node:process";
import { DrydockError } from "../core/errors.ts";
import { onExit } from "../core/exit_cleanup.ts";
import type { CacheMountSpec } from "../dsl/mount_specs.ts";
import { describePersist } from "../dsl/persist.ts";
import { scratch, stateOf } from "../dsl/sources.ts";
import type { State } from "../dsl/state.ts";
import type { CacheSeeds } from "../llb/cache_seeds.ts";
import type { Transport } from "../transport/transport.ts";
import type { StatusResponse } from "../proto/moby_buildkit_v1.gen.ts";
import type { EngineFeatures } from "./engine_features.ts";
import { buildAndExport } from "./export.ts";
import { PersistRegistry } from "./persist_registry.ts";
import { tarContent } from "./persist_tar.ts";
import {
  type PersistAccess,
  type PersistedMount,
  persistError,
  type PersistSeed,
} from "./persisted_cache.ts";
import type { SessionServiceOptions } from "./session_services.ts";

/** What one persisted mount did in a build, for the summary. */
export interface PersistedCacheReport {
  /** The cache id. */
  readonly id: string;
  /** Where it is persisted: the image reference or the tar file. */
  readonly persist: string;
  /** Whether a persisted copy seeded it (else it started empty). */
  readonly seeded: boolean;
  /** Seconds drydock took to find the copy (the engine pulls or unpacks it within the first using step). */
  readonly seedSeconds: number;
  /** Bytes of file content in the mount after the build. */
  readonly size: number;
  /** Seconds to export the mount, digest it and (when it changed) write or push it. */
  readonly saveSeconds: number;
  /** `saved`: written or pushed; `unchanged`: the copy already held this content, nothing written. */
  readonly outcome: "saved" | "unchanged";
  /** Content digest of the mount after the build. */
  readonly content: string;
}

/** The engine and session the save step runs with: the build's own. */
export interface SaveRun extends PersistAccess {
  readonly transport: Transport;
  readonly features: EngineFeatures;
  readonly sharedKey: string;
  readonly cacheSeeds: CacheSeeds;
  readonly services?: SessionServiceOptions;
  readonly onStatus?: (status: StatusResponse) => void;
}

const CACHE = "/.drydock-persist/cache";
const OUT = "/.drydock-persist/out";

/**
 * The state whose files are the mount's content: the first using step's root
 * filesystem runs `cp -a` from the mount (seeded as in the build) into an
 * empty output. It must run every time (the engine cannot see a cache's content, and
 * leaves cache ids out of its cache keys), so its command carries `nonce`: `ignoreCache` would
 * not do, as the engine gives an ignore-cache step a fresh cache mount.
 *
 * @example
 * ```ts
 * import { cache, image } from "@drydock/core";
 * import { findPersistedMounts } from "./persisted_cache.ts";
 * import { saveState } from "./persist_save.ts";
 * const app = image("busybox").run("ls /c", { mounts: { "/c": cache("npm", { persist: { dir: "ci" } }) } });
 * const state = saveState(findPersistedMounts([{ name: "app", states: [app] }])[0], "n1");
 * ```
 */
export function saveState(m: PersistedMount, nonce: string): State {
  const root = m.step.mounts.find((x) => x.kind === "bind" && x.dest === "/");
  const mount: CacheMountSpec = Object.freeze({
    kind: "cache",
    id: m.id,
    sharing: m.mount.sharing,
    source: null,
    readonly: false,
    persist: m.target,
  });
  return stateOf(root && "source" in root ? root.source : null, m.step.platform)
    .run(["/bin/sh", "-c", `cp -a ${CACHE}/. ${OUT}/ # ${nonce}`], {
      mounts: { [CACHE]: mount, [OUT]: scratch() },
      user: "0",
      env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" },
      name: `save cache ${m.id} to ${describePersist(m.target)}`,
    })
    .mount(OUT);
}

/**
 * Exports the mount's content and saves it when its digest differs from the
 * seed's. A refused push or unwritable file throws, naming the mount.
 *
 * @example
 * ```ts
 * import { savePersisted } from "./persist_save.ts";
 * // const report = await savePersisted(seed, { transport, features, sharedKey, cacheSeeds, base, credentials });
 * // report.outcome; // "unchanged" when the build added nothing to the cache
 * ```
 */
export async function savePersisted(seed: PersistSeed, run: SaveRun): Promise<PersistedCacheReport> {
  const m = seed.mount;
  const started = performance.now();
  const file = m.target.kind === "file" ? resolve(run.base, m.target.path) : undefined;
  const dir = file ? dirname(file) : tmpdir();
  const tmp = join(dir, `.drydock-persist-${process.pid}-${randomBytes(6).toString("hex")}.tar`);
  const forget = onExit(() => rmSync(tmp, { force: true }));
  try {
    mkdirSync(dir, { recursive: true });
    await buildAndExport(run.transport, {
      state: saveState(m, randomBytes(8).toString("hex")),
      outputs: [{ type: "tar", dest: tmp }],
      features: run.features,
      sharedKey: run.sharedKey,
      cacheSeeds: run.cacheSeeds,
      services: run.services,
      signal: run.signal,
      onStatus: run.onStatus,
      name: "persist",
    });
    const content = await tarContent(tmp);
    const outcome = content.digest === seed.content ? "unchanged" : "saved";
    if (outcome === "saved") {
      if (file) renameSync(tmp, file);
      else await push(m, tmp, content.digest, run);
    }
    return {
      id: m.id,
      persist: describePersist(m.target),
      seeded: seed.seed !== null,
      seedSeconds: seed.seconds,
      size: content.size,
      saveSeconds: (performance.now() - started) / 1000,
      outcome,
      content: content.digest,
    };
  } catch (err) {
    throw err instanceof DrydockError ? err : persistError(m, err);
  } finally {
    rmSync(tmp, { force: true });
    forget();
  }
}

async function push(m: PersistedMount, tar: string, content: string, run: SaveRun): Promise<void> {
  if (m.target.kind !== "image") return;
  const bytes = readFileSync(tar);
  const diffId = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
  const registry = new PersistRegistry(m.target.ref, run.credentials, run.signal);
  try {
    await registry.save({
      gzip: await promisify(gzip)(bytes),
      diffId,
      content,
      platform: { os: m.step.platform.os, architecture: m.step.platform.architecture },
    });
  } catch (err) {
    throw persistError(m, err);
  }
}
