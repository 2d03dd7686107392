/**
 * Where filesystems come from: images, the empty filesystem, local directories.
 *
 * @module
 */
import { dirname, isAbsolute, relative, resolve } from "node:path";
import process from "node:process";
import { z } from "zod";
import type { ImageSource, LocalSource, OpNode, Output, Platform } from "./graph.ts";
import { callerLocation } from "../core/location.ts";
import { defaultPlatform, parsePlatform } from "../core/platform.ts";
import { schemas } from "./option_schemas.ts";
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
  const node: ImageSource = {
    kind: "source",
    type: "image",
    location,
    ref: normalized,
    platform,
    ...(opts.resolveMode && opts.resolveMode !== "default" ? { resolveMode: opts.resolveMode } : {}),
    ...(opts.checksum ? { checksum: opts.checksum } : {}),
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
  // Empty lists are left out, as Go's llb leaves them out.
  const node: LocalSource = {
    kind: "source",
    type: "local",
    location,
    name: `load local ${name}`,
    sessionName: name,
    dir: absolute,
    ...(opts.include?.length ? { include: opts.include } : {}),
    ...(opts.exclude?.length ? { exclude: opts.exclude } : {}),
    ...(opts.followPaths?.length ? { followPaths: opts.followPaths } : {}),
    ...(opts.sharedKeyHint ? { sharedKeyHint: opts.sharedKeyHint } : {}),
    ...(opts.metadataOnly
      ? { metadataOnly: { except: typeof opts.metadataOnly === "object" ? opts.metadataOnly.except : [] } }
      : {}),
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
