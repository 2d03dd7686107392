/**
 * Build cache import and export: types, schemas and the entries sent to the
 * engine. Which exporters exist depends on the engine, not on BuildKit caps,
 * so unsupported ones are refused before the build with a message naming the
 * engines that can.
 *
 * @module
 */
import { z } from "zod";
import type { SchemaMatches } from "../core/validate.ts";
import { DrydockError } from "../core/errors.ts";
import type { CacheOptions, CacheOptionsEntry } from "../proto/moby_buildkit_v1.gen.ts";
import { ENGINE_NAMES, type EngineFeatures, type EngineKind } from "./engine_features.ts";

/** Cache export: `min` keeps the layers of the result, `max` every intermediate step too. */
export type CacheMode = "min" | "max";

/** Where to write the build cache. */
export type CacheExport =
  /** Cache metadata embedded in the exported image's config (import it with a `registry` ref to that image). */
  | { type: "inline" }
  | {
    type: "registry";
    /** Image reference the cache manifest is pushed to, e.g. `localhost:5000/app:buildcache`. */
    ref: string;
    /** @default "min" */
    mode?: CacheMode;
    /** OCI media types for the cache manifest. @default true on BuildKit ≥ 0.12 */
    ociMediatypes?: boolean;
    /** Write the cache as an image manifest instead of an index (some registries need it). @default false */
    imageManifest?: boolean;
    compression?: "gzip" | "zstd" | "uncompressed" | "estargz";
    /** Don't fail the build if exporting the cache fails. @default false */
    ignoreError?: boolean;
    /** Allow a plain-HTTP or self-signed registry. @default false */
    insecure?: boolean;
  }
  | {
    type: "local";
    /** Directory on this machine (an OCI layout); created if missing. */
    dest: string;
    /** @default "min" */
    mode?: CacheMode;
    ociMediatypes?: boolean;
    imageManifest?: boolean;
    compression?: "gzip" | "zstd" | "uncompressed" | "estargz";
    ignoreError?: boolean;
    /** Tag of the cache in the directory's index.json. @default "latest" */
    tag?: string;
  };

/** Where to read build cache from. */
export type CacheImport =
  | {
    type: "registry";
    /** A cache ref written by a `registry` export, or an image built with `inline` cache. */
    ref: string;
    /** Allow a plain-HTTP or self-signed registry. @default false */
    insecure?: boolean;
  }
  | {
    type: "local";
    /** Directory a `local` export wrote. A missing directory or tag is skipped, with a notice. */
    src: string;
    /** Tag in the directory's index.json. @default "latest" */
    tag?: string;
    /** The cache manifest's digest, instead of the tag. */
    digest?: string;
  };

/** The zod schema of one {@link CacheExport}. */
export const cacheExportSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("inline") }),
  z.strictObject({
    type: z.literal("registry"),
    ref: z.string().min(1, "must not be empty"),
    mode: z.enum(["min", "max"]).optional(),
    ociMediatypes: z.boolean().optional(),
    imageManifest: z.boolean().optional(),
    compression: z.enum(["gzip", "zstd", "uncompressed", "estargz"]).optional(),
    ignoreError: z.boolean().optional(),
    insecure: z.boolean().optional(),
  }),
  z.strictObject({
    type: z.literal("local"),
    dest: z.string().min(1, "must not be empty"),
    mode: z.enum(["min", "max"]).optional(),
    ociMediatypes: z.boolean().optional(),
    imageManifest: z.boolean().optional(),
    compression: z.enum(["gzip", "zstd", "uncompressed", "estargz"]).optional(),
    ignoreError: z.boolean().optional(),
    tag: z.string().min(1).optional(),
  }),
], {
  error: 'must be { type: "inline" }, { type: "registry", ref, mode? } or { type: "local", dest, mode? }',
});

/** The zod schema of one {@link CacheImport}. */
export const cacheImportSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("registry"),
    ref: z.string().min(1, "must not be empty"),
    insecure: z.boolean().optional(),
  }),
  z.strictObject({
    type: z.literal("local"),
    src: z.string().min(1, "must not be empty"),
    tag: z.string().min(1).optional(),
    digest: z.string().regex(/^sha256:[a-f0-9]{64}$/, "must be a sha256 digest").optional(),
  }),
], { error: 'must be { type: "registry", ref } or { type: "local", src }' });

/** Cache exporters per engine kind (moby's `newGraphDriverController` registers only inline). */
const EXPORTERS: Readonly<Record<EngineKind, readonly CacheExport["type"][]>> = {
  "buildkitd": ["inline", "registry", "local"],
  "docker-containerd": ["inline", "registry", "local"],
  "docker-graphdriver": ["inline"],
};

/** A cache type the engine does not have. */
export class UnsupportedCacheError extends DrydockError {
  /** The class name, shown before the message in stack traces. */
  override name = "UnsupportedCacheError";
  /**
   * Thrown before the solve when the engine lacks the cache backend.
   *
   * @param message Which cache type and why the engine cannot use it.
   */
  constructor(message: string) {
    super("E_UNSUPPORTED_CACHE", message);
  }
}

/**
 * The `SolveRequest.Cache` for these imports and exports on this engine.
 * Throws {@link UnsupportedCacheError} for an export type the engine lacks.
 *
 * @example
 * ```ts
 * import { cacheOptions } from "./cache.ts";
 * const engine = { kind: "docker-containerd", multipleExporters: true } as const;
 * cacheOptions([{ type: "registry", ref: "localhost:5000/app:cache" }], [{ type: "inline" }], engine);
 * // { imports: [{ type: "registry", attrs: { ref: "localhost:5000/app:cache" } }], exports: [{ type: "inline", attrs: {} }] }
 * ```
 */
export function cacheOptions(
  imports: readonly CacheImport[],
  exports: readonly CacheExport[],
  engine: EngineFeatures,
): CacheOptions {
  const seen = new Set<string>();
  for (const e of exports) {
    if (seen.has(e.type)) throw new UnsupportedCacheError(`cache export type "${e.type}" is given twice`);
    seen.add(e.type);
    if (!EXPORTERS[engine.kind].includes(e.type)) {
      const can = (Object.keys(EXPORTERS) as EngineKind[]).filter((k) => EXPORTERS[k].includes(e.type));
      throw new UnsupportedCacheError(
        `cache export type "${e.type}" is not supported by this engine, ${ENGINE_NAMES[engine.kind]} ` +
          `(it exports only ${EXPORTERS[engine.kind].join(", ")} cache); engines that can: ` +
          can.map((k) => ENGINE_NAMES[k]).join(", "),
      );
    }
  }
  return { imports: imports.map(importEntry), exports: exports.map(exportEntry) };
}

/**
 * The import entries as the gateway's `SolveRequest.CacheImports` wants them.
 *
 * @example
 * ```ts
 * import { importEntry } from "./cache.ts";
 * importEntry({ type: "registry", ref: "r/app:cache" }); // { type: "registry", attrs: { ref: "r/app:cache" } }
 * ```
 */
export function importEntry(i: CacheImport): CacheOptionsEntry {
  if (i.type === "local") {
    // The engine reads the blobs through the session's content store named "local:<src>".
    const attrs: Record<string, string> = { src: i.src };
    if (i.digest) attrs.digest = i.digest;
    return { type: "local", attrs };
  }
  const attrs: Record<string, string> = { ref: i.ref };
  if (i.insecure) attrs["registry.insecure"] = "true";
  return { type: i.type, attrs };
}

function exportEntry(e: CacheExport): CacheOptionsEntry {
  if (e.type === "inline") return { type: "inline", attrs: {} };
  const attrs: Record<string, string> = e.type === "local"
    ? { dest: e.dest, mode: e.mode ?? "min" }
    : { ref: e.ref, mode: e.mode ?? "min" };
  if (e.ociMediatypes !== undefined) attrs["oci-mediatypes"] = String(e.ociMediatypes);
  if (e.imageManifest) attrs["image-manifest"] = "true";
  if (e.compression) attrs.compression = e.compression;
  if (e.ignoreError) attrs["ignore-error"] = "true";
  if (e.type === "registry" && e.insecure) attrs["registry.insecure"] = "true";
  return { type: e.type, attrs };
}

// The schemas check exactly the CacheExport and CacheImport types (checked when compiling).
const _cacheSchemasMatch: [
  SchemaMatches<typeof cacheExportSchema, CacheExport>,
  SchemaMatches<typeof cacheImportSchema, CacheImport>,
] = [true, true];
