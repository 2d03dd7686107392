/**
 * The mount values `cache()` and `tmpfs()` return, as types only: the option types name them without
 * importing the functions (which import the option schemas).
 *
 * @module
 */
import type { CacheSharing } from "./graph.ts";
import type { StateBase } from "./state_base.ts";
import type { PersistTarget } from "./persist.ts";

/** A persistent cache directory to mount, from {@link cache}. */
export interface CacheMountSpec {
  /** Tells mount values apart. */
  readonly kind: "cache";
  /** Steps that mount the same id share the directory. */
  readonly id: string;
  /** What concurrent steps using this id do. */
  readonly sharing: CacheSharing;
  /** The state whose files seed a new cache; `null` starts empty. */
  readonly source: StateBase | null;
  /** Absolute path inside `source` to seed with. */
  readonly selector?: string;
  /** Whether steps see the cache read-only. */
  readonly readonly: boolean;
  /** Where the content lives between machines; the solve seeds the cache from it. */
  readonly persist?: PersistTarget;
}

/** An in-memory filesystem to mount, from {@link tmpfs}. */
export interface TmpfsMountSpec {
  /** Tells mount values apart. */
  readonly kind: "tmpfs";
  /** Bytes; 0 is the engine's default. */
  readonly size: number;
}
