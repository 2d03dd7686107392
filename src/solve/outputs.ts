/**
 * What a build leaves behind: the output types build.ts and the CLI use, their
 * zod schema, and how each maps to an engine exporter.
 *
 * @module
 */
import { z } from "zod";
import type { SchemaMatches } from "../core/validate.ts";
import { DrydockError } from "../core/errors.ts";
import type { Exporter } from "../proto/moby_buildkit_v1.gen.ts";
import { ENGINE_NAMES, type EngineFeatures } from "./engine_features.ts";

/** Layer compression of the image, OCI and Docker exporters. */
export type Compression = "gzip" | "zstd" | "uncompressed" | "estargz";

/** How image layers and manifests are written (image exporter, oci and docker tarballs). */
export interface ImageFormatOptions {
  /** Layer compression. @default "gzip" */
  compression?: Compression;
  /** Compression level (gzip/estargz 0–9, zstd 0–22). */
  compressionLevel?: number;
  /** Recompress layers that already exist with another compression. @default false */
  forceCompression?: boolean;
  /** OCI media types instead of Docker's. @default false, true for zstd and estargz */
  ociMediatypes?: boolean;
  /**
   * Annotations. A plain key annotates the manifest; prefix it with `index:`,
   * `manifest:`, `index-descriptor:` or `manifest-descriptor:` to choose where.
   */
  annotations?: Record<string, string>;
  /** Set layer file timestamps to the source date epoch too (reproducible layers). @default false */
  rewriteTimestamp?: boolean;
}

/** An image in the engine's image store, and optionally pushed to a registry. */
export interface ImageOutput extends ImageFormatOptions {
  /** Tells outputs apart. */
  type: "image";
  /** One or more names, e.g. `app:latest`, `localhost:5000/app:1`. */
  name: string | string[];
  /** Push every name to its registry after the build. @default false */
  push?: boolean;
  /** Push without a tag; the manifest is addressed by digest only. @default false */
  pushByDigest?: boolean;
  /** Allow plain-HTTP or self-signed registries when pushing. @default false */
  insecure?: boolean;
  /** Keep the image in the engine's image store (needs the image exporter to set false). @default true */
  store?: boolean;
  /**
   * Put the image into Docker (`DOCKER_HOST` or the docker context) when the engine is a standalone BuildKit
   * (`BUILDKIT_HOST`): its docker tarball is streamed into `POST /images/load`. On Docker's own BuildKit the
   * image is stored there anyway. @default false
   */
  load?: boolean;
}

/** Files written into a directory on this machine. */
export interface LocalOutput {
  /** Tells outputs apart. */
  type: "local";
  /** Directory to write into; created if missing. */
  dest: string;
}

/** The result's files as one tar archive. */
export interface TarOutput {
  /** Tells outputs apart. */
  type: "tar";
  /** File to write, or `-` for standard output. */
  dest: string;
}

/** An image as an OCI layout tarball (`oci`) or a `docker load` tarball (`docker`). */
export interface ImageTarballOutput extends ImageFormatOptions {
  /** The tarball's layout: OCI image layout, or what `docker load` reads. */
  type: "oci" | "docker";
  /** File to write, or `-` for standard output. */
  dest: string;
  /** Image names recorded in the tarball. */
  name?: string | string[];
}

/** One output of a build. */
export type BuildOutput = ImageOutput | LocalOutput | TarOutput | ImageTarballOutput;

const names = z.union([z.string().min(1, "must not be empty"), z.array(z.string().min(1)).min(1)]);
const formatFields = {
  compression: z.enum(["gzip", "zstd", "uncompressed", "estargz"]).optional(),
  compressionLevel: z.number().int().min(0).max(22).optional(),
  forceCompression: z.boolean().optional(),
  ociMediatypes: z.boolean().optional(),
  annotations: z.record(
    z.string().regex(
      /^((index|manifest|index-descriptor|manifest-descriptor)(\[[^\]]+\])?:)?[^:=,\s]+$/,
      'must be a key like "org.opencontainers.image.title" or "index:org.opencontainers.image.title"',
    ),
    z.string(),
  ).optional(),
  rewriteTimestamp: z.boolean().optional(),
};

/** The zod schema of one {@link BuildOutput}. */
export const outputSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("image"),
    name: names,
    push: z.boolean().optional(),
    pushByDigest: z.boolean().optional(),
    insecure: z.boolean().optional(),
    store: z.boolean().optional(),
    load: z.boolean().optional(),
    ...formatFields,
  }),
  z.strictObject({ type: z.literal("local"), dest: z.string().min(1, "must not be empty") }),
  z.strictObject({ type: z.literal("tar"), dest: z.string().min(1, "must not be empty") }),
  z.strictObject({
    type: z.enum(["oci", "docker"]),
    dest: z.string().min(1, "must not be empty"),
    name: names.optional(),
    ...formatFields,
  }),
], { error: 'must be an output: { type: "image" | "local" | "tar" | "oci" | "docker", ... }' });

/** Names as a list. */
export function nameList(name: string | string[] | undefined): string[] {
  return name === undefined ? [] : typeof name === "string" ? [name] : name;
}

/** Options of {@link exporterFor}. */
export interface ExporterOptions {
  /** Unix seconds recorded as the creation time (`source-date-epoch`). */
  sourceDateEpoch?: number;
}

/** An exporter could not be used on this engine. */
export class UnsupportedOutputError extends DrydockError {
  /** The class name, shown before the message in stack traces. */
  override name = "UnsupportedOutputError";
  /**
   * Thrown before the solve when the engine lacks the exporter.
   *
   * @param message Which output and why this engine cannot make it.
   */
  constructor(message: string) {
    super("E_UNSUPPORTED_OUTPUT", message);
  }
}

const IMAGE_EXPORTER_ENGINES = `${ENGINE_NAMES.buildkitd} or ${ENGINE_NAMES["docker-containerd"]}`;

/**
 * The exporter entry for an output on an engine. Docker with a graphdriver
 * store has only the `moby` exporter, which honours nothing but `name`: asking
 * it for more throws {@link UnsupportedOutputError} naming the engines that
 * can. Push there happens after the build, through the Engine API.
 *
 * @example
 * ```ts
 * import { exporterFor } from "./outputs.ts";
 * const engine = { kind: "docker-graphdriver", multipleExporters: true } as const;
 * exporterFor({ type: "image", name: ["a:1", "a:latest"] }, engine); // { type: "moby", attrs: { name: "a:1,a:latest" } }
 * ```
 */
export function exporterFor(
  output: BuildOutput,
  engine: EngineFeatures,
  options: ExporterOptions = {},
): Exporter {
  const epoch: Record<string, string> = options.sourceDateEpoch === undefined
    ? {}
    : { "source-date-epoch": String(options.sourceDateEpoch) };
  switch (output.type) {
    case "image": {
      const name = nameList(output.name).join(",");
      if (engine.kind === "docker-graphdriver") {
        const unsupported = unsupportedOnMoby(output);
        // Its moby exporter writes the build time, not the epoch (checked on Docker 20.10 and 26.1).
        if (options.sourceDateEpoch !== undefined) unsupported.push("sourceDateEpoch (SOURCE_DATE_EPOCH)");
        if (unsupported.length > 0) {
          throw new UnsupportedOutputError(
            `image output option(s) ${unsupported.join(", ")} need the image exporter, which ` +
              `${ENGINE_NAMES[engine.kind]} does not have; use ${IMAGE_EXPORTER_ENGINES}`,
          );
        }
        return { type: "moby", attrs: { name } };
      }
      const attrs: Record<string, string> = { name, ...epoch, ...formatAttrs(output) };
      if (output.push) attrs.push = "true";
      if (output.pushByDigest) attrs["push-by-digest"] = "true";
      if (output.insecure) attrs["registry.insecure"] = "true";
      // Docker's own exporter stores and unpacks into its image store; a buildkitd's `image` exporter stores.
      if (engine.kind === "docker-containerd" && output.store !== false) return { type: "moby", attrs };
      if (output.store === false) attrs.store = "false";
      return { type: "image", attrs };
    }
    case "local":
    case "tar":
      return { type: output.type, attrs: {} };
    case "oci":
    case "docker": {
      if (engine.kind === "docker-graphdriver") {
        throw new UnsupportedOutputError(
          `the "${output.type}" output needs the ${output.type} exporter, which ${
            ENGINE_NAMES[engine.kind]
          } ` +
            `does not have; use ${IMAGE_EXPORTER_ENGINES}, or a "tar" output for the files`,
        );
      }
      const attrs: Record<string, string> = { ...epoch, ...formatAttrs(output) };
      const name = nameList(output.name).join(",");
      if (name) attrs.name = name;
      return { type: output.type, attrs };
    }
  }
}

function unsupportedOnMoby(o: ImageOutput): string[] {
  const list: string[] = [];
  for (const key of ["pushByDigest", "insecure", ...Object.keys(formatFields)] as const) {
    if (o[key as keyof ImageOutput] !== undefined && o[key as keyof ImageOutput] !== false) list.push(key);
  }
  if (o.store === false) list.push("store");
  return list;
}

function formatAttrs(o: ImageFormatOptions): Record<string, string> {
  const attrs: Record<string, string> = {};
  if (o.compression) attrs.compression = o.compression;
  if (o.compressionLevel !== undefined) attrs["compression-level"] = String(o.compressionLevel);
  if (o.forceCompression) attrs["force-compression"] = "true";
  if (o.ociMediatypes !== undefined) attrs["oci-mediatypes"] = String(o.ociMediatypes);
  if (o.rewriteTimestamp) attrs["rewrite-timestamp"] = "true";
  for (const [key, value] of Object.entries(o.annotations ?? {})) {
    const at = key.indexOf(":");
    attrs[at === -1 ? `annotation.${key}` : `annotation-${key.slice(0, at)}.${key.slice(at + 1)}`] = value;
  }
  return attrs;
}

/** True for outputs whose bytes the engine streams to us over the session. */
export function isFileOutput(o: BuildOutput): o is LocalOutput | TarOutput | ImageTarballOutput {
  return o.type !== "image";
}

// The schema checks exactly the BuildOutput type (checked when compiling).
const _outputSchemaMatches: SchemaMatches<typeof outputSchema, BuildOutput> = true;
