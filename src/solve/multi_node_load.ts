/**
 * `load: true` of an image built on several nodes: only Docker's containerd image store holds a
 * multi-platform image, so that is checked before anything runs; after the build the nodes' OCI archives
 * are joined into one image and loaded.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { parsePlatform } from "../core/platform.ts";
import type { EngineAddress } from "../transport/address.ts";
import { connect } from "../transport/connect.ts";
import { DockerLoadSink } from "./docker_load.ts";
import { ENGINE_NAMES, probeEngine } from "./engine_features.ts";
import type { ExportResult } from "./export.ts";
import type { NodePart } from "./multi_node.ts";
import { mergeOciArchives } from "./oci_archive.ts";
import { nameList, UnsupportedOutputError } from "./outputs.ts";

/**
 * Refuses, before anything runs, a load of a multi-node image into a Docker that cannot hold one, saying why.
 *
 * @example
 * ```ts
 * import { checkLoadTarget } from "./multi_node_load.ts";
 * // await checkLoadTarget(parts, discoverEngine(env), { timeoutMs: 5000 });
 * ```
 */
export async function checkLoadTarget(
  parts: readonly NodePart[],
  into: EngineAddress | undefined,
  options: { timeoutMs?: number; signal?: AbortSignal },
): Promise<void> {
  const target = parts.find((p) => p.loadArchive)?.target.name;
  if (!target) return;
  if (!into) {
    throw new UnsupportedOutputError(
      `target ${target}: load: true needs a Docker Engine to load the image into: set DOCKER_HOST or a docker context`,
    );
  }
  const docker = await connect([into], options);
  try {
    const { kind } = await probeEngine(docker, options.signal);
    if (kind !== "docker-containerd") {
      throw new UnsupportedOutputError(
        `target ${target}: load of a multi-platform image built on several nodes: the Docker at ${into.text} is ` +
          `${ENGINE_NAMES[kind]}, which keeps one platform per image; use Docker with the containerd image ` +
          "store (Docker Desktop, or `features.containerd-snapshotter` in daemon.json), or push the image",
      );
    }
  } finally {
    await docker.close();
  }
}

/**
 * Joins the nodes' archives of one target into one image under its names and loads it into Docker.
 *
 * @example
 * ```ts
 * import { loadJoined } from "./multi_node_load.ts";
 * // const loaded = await loadJoined(done, discoverEngine(env)!, signal);
 * ```
 */
export async function loadJoined(
  done: readonly { part: NodePart; result: ExportResult }[],
  into: EngineAddress,
  signal?: AbortSignal,
): Promise<string[]> {
  const parts = done.map((d) => d.part).filter((p) => p.loadArchive);
  if (parts.length === 0) return [];
  const names = parts[0].target.outputs.flatMap((
    o,
  ) => (o.type === "image" && o.load ? nameList(o.name) : []));
  const tar = mergeOciArchives(
    parts.map((p) => ({
      tar: readFileSync(p.loadArchive!),
      ...(p.platforms.length === 1 ? { platform: ociPlatform(p.platforms[0]) } : {}),
    })),
    names,
  );
  const sink = new DockerLoadSink(into, signal);
  sink.end(tar);
  return [...(await sink.result).images];
}

function ociPlatform(text: string) {
  const p = parsePlatform(text);
  return { os: p.os, architecture: p.architecture, ...(p.variant ? { variant: p.variant } : {}) };
}
