/**
 * Parsers for buildx-style CSV specs, for the CLI's `-o/--output`,
 * `--cache-from` and `--cache-to`: `type=registry,ref=r/app:cache,mode=max`.
 * Pure: they return the same library options build.ts uses, checked by the
 * same schemas.
 *
 * @module
 */
import type { z } from "zod";
import { splitCsv } from "../core/csv.ts";
import { DrydockError } from "../core/errors.ts";
import { type CacheExport, cacheExportSchema, type CacheImport, cacheImportSchema } from "./cache.ts";
import { type BuildOutput, outputSchema } from "./outputs.ts";

/** A spec on the command line could not be understood; the message names the flag. */
export class SpecError extends DrydockError {
  /** The class name, shown before the message in stack traces. */
  override name = "SpecError";
  /**
   * The spec parsers throw it.
   *
   * @param message What cannot be understood, naming the flag.
   */
  constructor(message: string) {
    super("E_SPEC", message);
  }
}

/**
 * Splits one CSV record (fields may be `"quoted"`, with `""` for a quote) into
 * `key=value` pairs, in order; empty fields are skipped.
 *
 * @example
 * ```ts
 * import { parseCsvPairs } from "./spec_parse.ts";
 * parseCsvPairs('type=image,"name=a:1,a:2",push=true');
 * // [["type", "image"], ["name", "a:1,a:2"], ["push", "true"]]
 * ```
 */
export function parseCsvPairs(spec: string): [string, string][] {
  const fields = splitCsv(spec, (why) => {
    throw new SpecError(`${why} in "${spec}"`);
  });
  return fields.filter((f) => f.trim() !== "").map((f) => {
    const at = f.indexOf("=");
    return at === -1 ? [f.trim(), ""] : [f.slice(0, at).trim(), f.slice(at + 1)];
  });
}

/**
 * An `-o/--output` spec as a {@link BuildOutput}. A bare path is a `local`
 * directory and `-` a tar on standard output, as in buildx; `type=registry`
 * is an image with `push=true`.
 *
 * @example
 * ```ts
 * import { parseOutputSpec } from "@drydock/core/spec";
 * parseOutputSpec("type=registry,name=localhost:5000/app:1,compression=zstd");
 * // { type: "image", name: ["localhost:5000/app:1"], push: true, compression: "zstd" }
 * parseOutputSpec("./out"); // { type: "local", dest: "./out" }
 * ```
 */
export function parseOutputSpec(spec: string): BuildOutput {
  const flag = "--output";
  if (spec === "-") return { type: "tar", dest: "-" };
  if (!spec.includes("=")) return { type: "local", dest: spec };
  const pairs = parseCsvPairs(spec);
  const type = value(pairs, "type");
  const out: Record<string, unknown> = {};
  const annotations: Record<string, string> = {};
  for (const [key, v] of pairs) {
    if (key === "type") continue;
    if (key.startsWith("annotation")) {
      annotations[annotationKey(key, flag)] = v;
      continue;
    }
    const field = OUTPUT_KEYS[key];
    if (!field) throw new SpecError(`${flag}: unknown key "${key}" in "${spec}"`);
    out[field.name] = field.parse(v, `${flag}: ${key}`);
  }
  if (Object.keys(annotations).length > 0) out.annotations = annotations;
  const output: Record<string, unknown> = type === "registry"
    ? { type: "image", push: true, ...out }
    : { type: type ?? (out.dest === undefined ? "image" : "local"), ...out };
  if (typeof output.name === "string") output.name = output.name.split(",").filter(Boolean);
  return checked(outputSchema, output, flag, spec);
}

/**
 * A `--cache-to` spec. `mode`, `ref` and the compression keys are buildx's.
 *
 * @example
 * ```ts
 * import { parseCacheExportSpec } from "@drydock/core/spec";
 * parseCacheExportSpec("type=registry,ref=localhost:5000/app:cache,mode=max");
 * // { type: "registry", ref: "localhost:5000/app:cache", mode: "max" }
 * ```
 */
export function parseCacheExportSpec(spec: string): CacheExport {
  const flag = "--cache-to";
  const pairs = parseCsvPairs(spec);
  const out: Record<string, unknown> = { type: value(pairs, "type") ?? "registry" };
  for (const [key, v] of pairs) {
    if (key === "type") continue;
    const field = CACHE_EXPORT_KEYS[key];
    if (!field) throw new SpecError(`${flag}: unknown key "${key}" in "${spec}"`);
    out[field.name] = field.parse(v, `${flag}: ${key}`);
  }
  return checked(cacheExportSchema, out, flag, spec);
}

/**
 * A `--cache-from` spec; a bare reference means `type=registry,ref=<it>`.
 *
 * @example
 * ```ts
 * import { parseCacheImportSpec } from "@drydock/core/spec";
 * parseCacheImportSpec("localhost:5000/app:cache"); // { type: "registry", ref: "localhost:5000/app:cache" }
 * ```
 */
export function parseCacheImportSpec(spec: string): CacheImport {
  const flag = "--cache-from";
  if (!spec.includes("=")) return checked(cacheImportSchema, { type: "registry", ref: spec }, flag, spec);
  const pairs = parseCsvPairs(spec);
  const out: Record<string, unknown> = { type: value(pairs, "type") ?? "registry" };
  for (const [key, v] of pairs) {
    if (key === "type") continue;
    if (key === "ref" || key === "src" || key === "tag" || key === "digest") out[key] = v;
    else if (key === "registry.insecure") out.insecure = bool(v, `${flag}: ${key}`);
    else throw new SpecError(`${flag}: unknown key "${key}" in "${spec}"`);
  }
  return checked(cacheImportSchema, out, flag, spec);
}

interface Field {
  name: string;
  parse: (v: string, where: string) => unknown;
}

const text = (name: string): Field => ({ name, parse: (v) => v });
const flagField = (name: string): Field => ({ name, parse: bool });
const OUTPUT_KEYS: Record<string, Field> = {
  dest: text("dest"),
  name: text("name"),
  push: flagField("push"),
  "push-by-digest": flagField("pushByDigest"),
  "registry.insecure": flagField("insecure"),
  store: flagField("store"),
  compression: text("compression"),
  "compression-level": { name: "compressionLevel", parse: int },
  "force-compression": flagField("forceCompression"),
  "oci-mediatypes": flagField("ociMediatypes"),
  "rewrite-timestamp": flagField("rewriteTimestamp"),
};
const CACHE_EXPORT_KEYS: Record<string, Field> = {
  ref: text("ref"),
  dest: text("dest"),
  tag: text("tag"),
  mode: text("mode"),
  "oci-mediatypes": flagField("ociMediatypes"),
  "image-manifest": flagField("imageManifest"),
  compression: text("compression"),
  "ignore-error": flagField("ignoreError"),
  "registry.insecure": flagField("insecure"),
};

function value(pairs: [string, string][], key: string): string | undefined {
  return pairs.find(([k]) => k === key)?.[1];
}

function bool(v: string, where: string): boolean {
  // As Go's strconv.ParseBool; a bare key means true.
  if (["", "1", "t", "T", "true", "TRUE", "True"].includes(v)) return true;
  if (["0", "f", "F", "false", "FALSE", "False"].includes(v)) return false;
  throw new SpecError(`${where} must be true or false, not "${v}"`);
}

function int(v: string, where: string): number {
  if (!/^\d+$/.test(v)) throw new SpecError(`${where} must be a whole number, not "${v}"`);
  return Number(v);
}

// buildx: annotation.k, annotation-index.k, annotation-manifest[linux/amd64].k ...
function annotationKey(key: string, flag: string): string {
  const m = /^annotation(?:-([a-z-]+(?:\[[^\]]+\])?))?\.(.+)$/.exec(key);
  if (!m) {
    throw new SpecError(`${flag}: "${key}" is not an annotation key (annotation[-index|-manifest].<key>)`);
  }
  return m[1] ? `${m[1]}:${m[2]}` : m[2];
}

function checked<S extends z.ZodType>(schema: S, value: unknown, flag: string, spec: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => {
    const key = i.path.join(".");
    // zod's own words for a missing key ("Invalid input: expected string, received undefined").
    if (key && i.code === "invalid_type" && /received undefined/.test(i.message)) return `needs ${key}=...`;
    return `${key ? `"${key}" ` : ""}${i.message}`;
  });
  throw new SpecError(`${flag} "${spec}": ${problems.join("; ")}`);
}
