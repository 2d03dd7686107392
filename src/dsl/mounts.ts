/**
 * Mount values for `run()`: persistent caches and tmpfs. Binds are plain
 * states, secrets come from {@link secret}.
 *
 * @module
 */
import { z } from "zod";
import { posix } from "node:path";
import type { CacheSharing } from "./graph.ts";
import { callerLocation } from "../core/location.ts";
import { schemas } from "./option_schemas.ts";
import { nonEmptyString } from "./text_schemas.ts";
import type { CacheMountSpec, TmpfsMountSpec } from "./mount_specs.ts";
import { isState, type StateBase, stateData } from "./state_base.ts";
import { validate } from "../core/validate.ts";
import { type PersistOption, persistSchema, persistTarget } from "./persist.ts";

/** Options of {@link cache}. */
export interface CacheOptions {
  /**
   * What concurrent steps using the same cache id do: `shared` use it together,
   * `private` get their own copy, `locked` wait their turn.
   * @default "shared"
   */
  sharing?: CacheSharing;
  /** A state whose files seed a new cache (Dockerfile `--mount=type=cache,from=`). */
  from?: StateBase;
  /** The directory of `from` to seed with (relative to its working directory). @default its root */
  path?: string;
  /** Mount the cache read-only. @default false */
  readonly?: boolean;
  /**
   * Where the cache's content lives between machines: seeded from there before the first
   * step that uses it, saved back after the build when it changed (see README "Cache in CI").
   * Not with `from`. @default kept on the engine only
   */
  persist?: PersistOption;
}

/** Options of {@link tmpfs}. */
export interface TmpfsOptions {
  /** Size limit: bytes, or a string like `"64m"`, `"1g"`. @default the engine's default */
  size?: number | string;
}

const sharing = z.enum(["shared", "private", "locked"], {
  error: 'must be "shared", "private" or "locked"',
});

/**
 * A cache directory the engine keeps between builds, shared by every step
 * that mounts the same id, as Dockerfile `RUN --mount=type=cache`.
 *
 * @example
 * ```ts
 * import { cache, image } from "@drydock/core";
 * const deps = image("busybox").run("ls /root/.npm", {
 *   mounts: { "/root/.npm": cache("npm", { sharing: "locked" }) },
 * });
 * const seeded = cache("go-mod", { from: image("busybox").run("mkdir -p /seed"), path: "/seed" });
 * const inCi = cache("npm", { persist: { image: "localhost:5000/app-cache:npm" } });
 * ```
 */
export function cache(id: string, options: CacheOptions = {}): CacheMountSpec {
  const location = callerLocation();
  const i = validate("cache", "id", nonEmptyString, id, location);
  const opts = validate(
    "cache",
    "",
    z.strictObject({
      sharing: sharing.optional(),
      from: z.custom<StateBase>(isState, "must be a State (from image(), local(), scratch() ...)").optional(),
      path: schemas.path.optional(),
      readonly: z.boolean().optional(),
      persist: persistSchema.optional(),
    }).refine((o) => !(o.persist && o.from), {
      message: "cannot be used with from (the persisted copy seeds the cache)",
      path: ["persist"],
    }),
    options,
    location,
  );
  const from = opts.from ? stateData(opts.from) : undefined;
  const selector = from && opts.path !== undefined
    ? posix.resolve("/", from.settings.cwd, opts.path)
    : undefined;
  return Object.freeze({
    kind: "cache",
    id: i,
    sharing: opts.sharing ?? "shared",
    source: opts.from ?? null,
    ...(selector !== undefined && selector !== "/" ? { selector } : {}),
    readonly: opts.readonly ?? false,
    ...(opts.persist ? { persist: persistTarget(i, opts.persist, location) } : {}),
  });
}

const UNITS: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

const size = z.union([
  z.number().int("must be an integer number of bytes").min(1, "must be at least 1 byte"),
  z.string().regex(/^\d+\s*[kmg]?b?$/i, 'must be bytes or a size like "64m" or "1g"'),
], { error: 'must be a number of bytes or a size like "64m"' });

/**
 * An in-memory filesystem for one step; nothing written there ends up in the result.
 *
 * @example
 * ```ts
 * import { image, tmpfs } from "@drydock/core";
 * const s = image("busybox").run("df /scratch", { mounts: { "/scratch": tmpfs({ size: "64m" }) } });
 * ```
 */
export function tmpfs(options: TmpfsOptions = {}): TmpfsMountSpec {
  const location = callerLocation();
  const opts = validate("tmpfs", "", z.strictObject({ size: size.optional() }), options, location);
  return Object.freeze({ kind: "tmpfs", size: opts.size === undefined ? 0 : toBytes(opts.size) });
}

function toBytes(s: number | string): number {
  if (typeof s === "number") return s;
  const m = /^(\d+)\s*([kmg]?)b?$/i.exec(s)!;
  return Number(m[1]) * UNITS[m[2].toLowerCase()];
}

/**
 * Whether `v` is a cache mount from {@link cache}.
 *
 * @example
 * ```ts
 * import { cache, isCacheMount } from "./mounts.ts";
 * isCacheMount(cache("go")); // true
 * ```
 */
export function isCacheMount(v: unknown): v is CacheMountSpec {
  return typeof v === "object" && v !== null && (v as CacheMountSpec).kind === "cache";
}

/**
 * Whether `v` is a tmpfs mount from {@link tmpfs}.
 *
 * @example
 * ```ts
 * import { isTmpfsMount, tmpfs } from "./mounts.ts";
 * isTmpfsMount(tmpfs()); // true
 * ```
 */
export function isTmpfsMount(v: unknown): v is TmpfsMountSpec {
  return typeof v === "object" && v !== null && (v as TmpfsMountSpec).kind === "tmpfs";
}
