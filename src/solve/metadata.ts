/**
 * Build metadata as buildx writes it for `--metadata-file`: the exporter
 * response with base64 JSON values decoded (`containerimage.descriptor`), plus
 * `buildx.build.ref`. With several targets, one object per target, as bake does.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { writeFileSync } from "node:fs";

/** The parts of a build result that metadata is made from. */
export interface MetadataSource {
  /** Build id. */
  readonly ref: string;
  /** Which engine built it, for `buildx.build.ref` (`<builder>/<node>/<ref>`). */
  readonly engine?: string;
  /** What the exporters answered: `containerimage.digest`, `image.name` ... */
  readonly exporterResponse: Readonly<Record<string, string>>;
}

/**
 * The metadata of one build, with buildx's keys.
 *
 * @example
 * ```ts
 * import { buildMetadata } from "@drydock/core/spec";
 * buildMetadata({ ref: "abc", engine: "docker-containerd", exporterResponse: { "containerimage.digest": "sha256:1" } });
 * // { "containerimage.digest": "sha256:1", "buildx.build.ref": "drydock/docker-containerd/abc" }
 * ```
 */
export function buildMetadata(result: MetadataSource): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(result.exporterResponse)) out[key] = decodeValue(value);
  out["buildx.build.ref"] = `drydock/${result.engine ?? "engine"}/${result.ref}`;
  return out;
}

/**
 * Writes the metadata of `results` (by target name) as indented JSON: a single
 * target's metadata at the top level, several keyed by target.
 *
 * @example
 * ```ts
 * import { writeMetadataFile } from "@drydock/core";
 * // writeMetadataFile("metadata.json", await buildTargets(targets));
 * ```
 */
export function writeMetadataFile(path: string, results: Readonly<Record<string, MetadataSource>>): void {
  const entries = Object.entries(results);
  const json = entries.length === 1
    ? buildMetadata(entries[0][1])
    : Object.fromEntries(entries.map(([name, r]) => [name, buildMetadata(r)]));
  writeFileSync(path, JSON.stringify(json, null, 2));
}

// buildx decodes values that are base64 of a non-empty JSON object or array.
function decodeValue(value: string): unknown {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return value;
  try {
    const parsed = JSON.parse(Buffer.from(value, "base64").toString("utf8"));
    if (parsed && typeof parsed === "object" && Object.keys(parsed).length > 0) return parsed;
  } catch { /* not JSON */ }
  return value;
}
