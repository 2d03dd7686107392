/**
 * `dockerfile()`: a state built by BuildKit's Dockerfile frontend, so existing
 * Dockerfiles compose with code.
 *
 * @module
 */
import { join, posix } from "node:path";
import { z } from "zod";
import type { FrontendNode, Output } from "./graph.ts";
import type { InheritedConfig } from "./step_settings.ts";
import { callerLocation } from "../core/location.ts";
import { type DockerfileOptions, dockerfileOptionsSchema } from "./dockerfile_options.ts";
import { local, scratch } from "./sources.ts";
import { parsePlatform } from "../core/platform.ts";
import { State, stateData } from "./state.ts";
import { validate } from "../core/validate.ts";

// Names the image config of each dockerfile() result; never sent to the engine.
let resultCount = 0;

/**
 * The filesystem and image config a Dockerfile builds from `context` (usually a
 * `local()` directory holding the Dockerfile), as `docker buildx build` builds
 * them. The engine's `dockerfile.v0` frontend turns it into LLB during the
 * build, and its steps join this build's graph, so they share cache with
 * `docker build` of the same Dockerfile. Exported as an image, the result has
 * the Dockerfile's config (ENV, WORKDIR, USER, CMD ...); steps added in code
 * start from it, as `FROM <that stage>` would.
 *
 * The Dockerfile always reaches the frontend, whatever `.dockerignore` says.
 *
 * @example
 * ```ts
 * import { dockerfile, image, local } from "@drydock/core";
 * const legacy = dockerfile(local("./legacy"), { target: "build", args: { NODE_VERSION: "20" } });
 * const app = image("busybox").copy(legacy, "/out/app", "/usr/local/bin/app");
 * const tuned = dockerfile(local(".")).env("MODE", "prod").run("echo refined > /refined");
 * ```
 */
export function dockerfile(context: State, options: DockerfileOptions = {}): State {
  const location = callerLocation();
  const ctx = validate(
    "dockerfile",
    "context",
    z.instanceof(State, { error: "must be a State (usually local(...))" }),
    context,
    location,
  );
  const opts = validate("dockerfile", "", dockerfileOptionsSchema, options, location);
  const source = dockerfileSource(stateData(ctx).output, opts);
  const contextOutput = withOwnIgnoreFile(stateData(ctx).output, source.ignoreFile);
  const attrs: Record<string, string> = { filename: source.filename };
  if (opts.target) attrs.target = opts.target;
  if (opts.platform) attrs.platform = opts.platform;
  for (const [k, v] of Object.entries(opts.args ?? {})) attrs[`build-arg:${k}`] = v;
  if (opts.noCache === true) attrs["no-cache"] = "";
  else if (Array.isArray(opts.noCache)) attrs["no-cache"] = opts.noCache.join(",");
  const inputs: Record<string, Output | null> = { context: contextOutput, dockerfile: source.output };
  // As buildx asks: a frontend that knows named contexts says so, and one given by `# syntax=` gets it forwarded.
  if (opts.contexts && Object.keys(opts.contexts).length > 0) {
    attrs["frontend.caps"] = "moby.buildkit.frontend.contexts+forward";
  }
  for (const [name, value] of Object.entries(opts.contexts ?? {})) {
    if (typeof value === "string") {
      attrs[`context:${name}`] = value;
    } else {
      // Input names of their own, so a context named "context" cannot replace the main one.
      attrs[`context:${name}`] = `input:named-context:${name}`;
      inputs[`named-context:${name}`] = stateData(value).output;
    }
  }
  const platform = opts.platform ? parsePlatform(opts.platform) : stateData(ctx).settings.platform;
  const config: InheritedConfig = {
    image: `dockerfile()#${++resultCount}`,
    platform,
    cwd: true,
    user: true,
    frontend: true,
  };
  const node: FrontendNode = {
    kind: "frontend",
    location,
    name: `dockerfile ${opts.file ?? attrs.filename}${opts.target ? ` --target ${opts.target}` : ""}`,
    frontend: "dockerfile.v0",
    attrs,
    inputs,
    config,
  };
  return new State({
    output: { op: node, index: 0 },
    settings: { env: [], cwd: "/", user: "", platform, inherit: config },
    image: { labels: {}, exposedPorts: [] },
  });
}

/**
 * Where the frontend reads the Dockerfile: a source of its own that sends only the
 * Dockerfile and its `<name>.dockerignore`, as buildx does, so the context's
 * `.dockerignore` cannot hide it.
 */
function dockerfileSource(
  context: Output | null,
  opts: DockerfileOptions,
): { output: Output | null; filename: string; ignoreFile?: string } {
  if (opts.content !== undefined) {
    return {
      output: stateData(scratch().mkfile("/Dockerfile", opts.content)).output,
      filename: "Dockerfile",
    };
  }
  if (opts.file !== undefined) {
    const name = posix.basename(opts.file);
    const dir = local(posix.dirname(opts.file), {
      followPaths: followPaths(name),
      dockerignore: false,
      sharedKeyHint: "dockerfile",
    });
    const output = stateData(dir).output;
    const dfDir = output?.op.kind === "source" && output.op.type === "local" ? output.op.dir : undefined;
    return { output, filename: name, ...(dfDir ? { ignoreFile: join(dfDir, `${name}.dockerignore`) } : {}) };
  }
  const filename = opts.filename ?? "Dockerfile";
  const node = context?.op;
  if (node?.kind !== "source" || node.type !== "local") return { output: context, filename };
  // The context's own directory, served under its name, with only the Dockerfile's paths.
  return {
    output: {
      op: {
        kind: "source",
        type: "local",
        location: node.location,
        name: `load build definition from ${filename}`,
        sessionName: node.sessionName,
        dir: node.dir,
        followPaths: followPaths(filename),
        sharedKeyHint: "dockerfile",
        dockerignore: false,
      },
      index: 0,
    },
    filename,
    ignoreFile: join(node.dir, `${filename}.dockerignore`),
  };
}

/** The context with a Dockerfile's own `<name>.dockerignore` first, when it has one, as `docker build` reads it. */
function withOwnIgnoreFile(context: Output | null, ignoreFile: string | undefined): Output | null {
  const node = context?.op;
  if (!ignoreFile || node?.kind !== "source" || node.type !== "local" || !node.dockerignore) return context;
  return {
    op: { ...node, dockerignoreFiles: [ignoreFile, join(node.dir, ".dockerignore")] },
    index: context!.index,
  };
}

// The frontend also reads `<name>.dockerignore` and accepts a lower-case `dockerfile`.
function followPaths(filename: string): string[] {
  const paths = [filename, `${filename}.dockerignore`];
  if (posix.basename(filename) === "Dockerfile") {
    paths.push(posix.join(posix.dirname(filename), "dockerfile"));
  }
  return paths;
}
