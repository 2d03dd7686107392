/**
 * Where filesystems come from: images, the empty filesystem, local directories.
 *
 * @module
 */
import { dirname, isAbsolute, relative, resolve } from "node:path";
import process from "node:process";
import { z } from "zod";
import type { OpNode, Output, Platform, SourceNode } from "./graph.ts";
import { callerLocation } from "../core/location.ts";
import { defaultPlatform, parsePlatform } from "../core/platform.ts";
import { schemas } from "./options.ts";
import { goJson } from "../core/go_json.ts";
import { type ImageOptions, type LocalOptions, sourceSchemas } from "./source_options.ts";
import { normalizeImageRef, ReferenceError } from "./reference.ts";
import { State } from "./state.ts";
import { validate } from "../core/validate.ts";

const ROOT_SETTINGS = { env: [], cwd: "/", user: "" } as const;
const EMPTY_IMAGE = { labels: {}, exposedPorts: [] } as const;

/**
 * A container image as the base filesystem. Short names are normalized as
 * Docker does: `busybox` is `docker.io/library/busybox:latest`.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * const base = image("busybox:latest");
 * const pinned = image("localhost:5000/team/app:v1", { platform: "linux/arm64", resolveMode: "pull" });
 * ```
 */
export function image(ref: string, options: ImageOptions = {}): State {
  const location = callerLocation();
  const r = validate("image", "ref", z.string({ error: "must be a string" }), ref, location);
  const opts = validate("image", "", sourceSchemas.image, options, location);
  let normalized: string;
  try {
    normalized = normalizeImageRef(r).normalized;
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    validate(
      "image",
      "ref",
      z.custom(() => false, `is not a valid image reference: ${e.message}`),
      r,
      location,
    );
    throw e;
  }
  const platform = opts.platform ? parsePlatform(opts.platform) : defaultPlatform();
  const node: SourceNode = {
    kind: "source",
    location,
    identifier: `docker-image://${normalized}`,
    // Go's llb writes the mode only when it is not the default.
    attrs: {
      ...(opts.resolveMode && opts.resolveMode !== "default"
        ? { "image.resolvemode": opts.resolveMode }
        : {}),
      ...(opts.checksum ? { "image.checksum": opts.checksum } : {}),
    },
    platform,
  };
  return new State({
    output: { op: node, index: 0 },
    // Later steps and the exported image start from this image's config, once the engine resolves it.
    settings: { ...ROOT_SETTINGS, platform, inherit: { image: normalized, platform, cwd: true, user: true } },
    image: EMPTY_IMAGE,
  });
}

/**
 * The empty filesystem, as `FROM scratch`.
 *
 * @example
 * ```ts
 * import { scratch } from "@drydock/core";
 * const files = scratch().mkfile("/hello.txt", "hello\n");
 * ```
 */
export function scratch(): State {
  return new State({
    output: null,
    settings: { ...ROOT_SETTINGS, platform: defaultPlatform() },
    image: EMPTY_IMAGE,
  });
}

/**
 * A directory on the machine running build.ts, sent to the engine when a step
 * needs it. A relative path is relative to the build.ts file that calls
 * `local()`, so a build means the same wherever it is run from.
 * `.dockerignore` in the directory applies unless `dockerignore: false`.
 *
 * @example
 * ```ts
 * import { image, local } from "@drydock/core";
 * const src = local(".", { exclude: ["node_modules"], sharedKeyHint: "app-src" });
 * const app = image("busybox").copy(src, ".", "/app");
 * ```
 */
export function local(dir: string, options: LocalOptions = {}): State {
  const location = callerLocation();
  const d = validate("local", "dir", schemas.path, dir, location);
  const opts = validate("local", "", sourceSchemas.local, options, location);
  // No caller frame outside drydock (a call from drydock's own code): relative to the working directory, as a
  // path given to any other program; the DSL gets no environment, being pure.
  const base = location ? dirname(location.file) : process.cwd();
  const absolute = resolve(base, d);
  // The name is what the engine asks the session for; keep it machine-independent.
  const rel = relative(base, absolute).split("\\").join("/");
  const name = isAbsolute(d) ? absolute : rel === "" ? "." : rel;
  const node: SourceNode = {
    kind: "source",
    location,
    name: `load local ${name}`,
    identifier: `local://${name}`,
    attrs: localAttrs(opts),
    localDir: absolute,
    dockerignore: opts.dockerignore ?? true,
  };
  return new State({
    output: { op: node, index: 0 },
    settings: { ...ROOT_SETTINGS, platform: defaultPlatform() },
    image: EMPTY_IMAGE,
  });
}

/**
 * A fresh state (root settings, no image config) whose filesystem is `from`
 * (a node means its first output); `null` is the empty filesystem.
 *
 * @example
 * ```ts
 * import { stateOf } from "./sources.ts";
 * const empty = stateOf(null);
 * ```
 */
export function stateOf(from: OpNode | Output | null, platform: Platform = defaultPlatform()): State {
  return new State({
    output: from === null ? null : "kind" in from ? { op: from, index: 0 } : from,
    settings: { ...ROOT_SETTINGS, platform },
    image: EMPTY_IMAGE,
  });
}

// Patterns go as JSON arrays, as Go's llb writes them; empty lists are left out.
function localAttrs(opts: LocalOptions): Record<string, string> {
  const attrs: Record<string, string> = {};
  if (opts.include?.length) attrs["local.includepattern"] = goJson(opts.include);
  if (opts.exclude?.length) attrs["local.excludepatterns"] = goJson(opts.exclude);
  if (opts.followPaths?.length) attrs["local.followpaths"] = goJson(opts.followPaths);
  if (opts.sharedKeyHint) attrs["local.sharedkeyhint"] = opts.sharedKeyHint;
  if (opts.metadataOnly) {
    attrs["local.metadatatransfer"] = "true";
    const except = typeof opts.metadataOnly === "object" ? opts.metadataOnly.except : [];
    if (except.length) attrs["local.metadatatransferexclude"] = goJson(except);
  }
  return attrs;
}
