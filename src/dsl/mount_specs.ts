/**
 * The mount values `cache()` and `tmpfs()` return, as types only: the option types name them without
 * importing the functions (which import the option schemas).
 *
 * @module
 */
import type { CacheSharing, Output } from "./graph.ts";

/** A persistent cache directory to mount, from {@link cache}. */
export interface CacheMountSpec {
  readonly kind: "cache";
  readonly id: string;
  readonly sharing: CacheSharing;
  /** The filesystem that seeds a new cache; `null` starts empty. */
  readonly source: Output | null;
  /** Absolute path inside `source`. */
  readonly selector?: string;
  readonly readonly: boolean;
}

/** An in-memory filesystem to mount, from {@link tmpfs}. */
export interface TmpfsMountSpec {
  readonly kind: "tmpfs";
  /** Bytes; 0 is the engine's default. */
  readonly size: number;
}
