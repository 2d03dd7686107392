/**
 * Where a cache mount's content lives between machines (`cache(id, { persist })`):
 * an image in a registry, or a tar file on this machine (a CI system's cache
 * directory). Pure values; the solve layer seeds and saves them.
 *
 * @module
 */
import { z } from "zod";
import type { SourceLocation } from "../core/location.ts";
import { normalizeImageRef } from "./reference.ts";

/** The `persist` option of `cache()`: one of `image`, `dir` or `file`. */
export type PersistOption =
  /** An image reference with a tag, e.g. `"ghcr.io/acme/app-cache:npm"`: pushed by digest, the tag moved last. */
  | { image: string }
  /** A directory (e.g. the one a CI system caches) that keeps the mount as `<id>.tar`. */
  | { dir: string }
  /** A tar file that keeps the mount. */
  | { file: string };

/** Where a persisted cache mount lives, as the graph keeps it. */
export type PersistTarget =
  | { readonly kind: "image"; readonly ref: string; readonly location: SourceLocation | undefined }
  | { readonly kind: "file"; readonly path: string; readonly location: SourceLocation | undefined };

const pathString = z.string().min(1, "must not be empty").refine((s) => !s.includes("\0"), {
  message: "must not contain NUL",
});

const imageRef = z.string().superRefine((s, ctx) => {
  try {
    const r = normalizeImageRef(s);
    if (r.digest) {
      ctx.addIssue({ code: "custom", message: "must name a tag, not a digest (it is pushed to)" });
    }
  } catch (err) {
    ctx.addIssue({ code: "custom", message: `is not an image reference: ${(err as Error).message}` });
  }
});

/** The schema of {@link PersistOption}, for `cache()`'s options. */
export const persistSchema = z.union([
  z.strictObject({ image: imageRef }),
  z.strictObject({ dir: pathString }),
  z.strictObject({ file: pathString }),
], { error: 'must be { image: "registry/repo:tag" }, { dir: "path" } or { file: "path.tar" }' });

/**
 * The graph's form of a validated `persist` option: a normalized image
 * reference, or the tar file's path (relative paths resolve against the build's base).
 *
 * @example
 * ```ts
 * import { persistTarget } from "./persist.ts";
 * persistTarget("npm", { dir: ".ci-cache" }, undefined); // { kind: "file", path: ".ci-cache/npm.tar", location: undefined }
 * persistTarget("npm", { image: "localhost:5000/c:npm" }, undefined).kind; // "image"
 * ```
 */
export function persistTarget(
  id: string,
  option: PersistOption,
  location: SourceLocation | undefined,
): PersistTarget {
  if ("image" in option) return { kind: "image", ref: normalizeImageRef(option.image).normalized, location };
  if ("file" in option) return { kind: "file", path: option.file, location };
  // Cache ids may hold slashes and colons (`/root/.npm`); file names may not.
  const name = id.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "") || "cache";
  return { kind: "file", path: `${option.dir.replace(/\/+$/, "")}/${name}.tar`, location };
}

/**
 * How a persisted mount is named in messages: the image reference or the file.
 *
 * @example
 * ```ts
 * import { describePersist } from "./persist.ts";
 * describePersist({ kind: "file", path: "c/npm.tar", location: undefined }); // "c/npm.tar"
 * ```
 */
export function describePersist(t: PersistTarget): string {
  return t.kind === "image" ? t.ref : t.path;
}
