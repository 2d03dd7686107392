/**
 * Docker contexts, as the docker CLI stores them: `currentContext` in
 * `config.json`, each context's endpoint in
 * `contexts/meta/<sha256(name)>/meta.json` and its TLS files in
 * `contexts/tls/<sha256(name)>/docker/{ca,cert,key}.pem`.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DrydockError } from "../core/errors.ts";
import type { TlsOptions } from "./address.ts";

/** The environment variables that locate the docker CLI's configuration. */
export interface DockerConfigEnv {
  DOCKER_CONFIG?: string;
  DOCKER_CONTEXT?: string;
  HOME?: string;
}

/** A docker context's Docker endpoint. */
export interface DockerContextEndpoint {
  readonly name: string;
  /** `unix:///…` or `tcp://…`. */
  readonly host: string;
  readonly tls?: TlsOptions;
  /** Where the name came from, for messages: `--builder`, `DOCKER_CONTEXT`, `config.json`. */
  readonly origin: string;
}

/**
 * A named docker context does not exist or cannot be read.
 *
 * @example
 * ```ts
 * import { DockerContextError } from "@drydock/core";
 * new DockerContextError('docker context "x" does not exist').code; // "E_DOCKER_CONTEXT"
 * ```
 */
export class DockerContextError extends DrydockError {
  /** The class name, shown before the message in stack traces. */
  override name = "DockerContextError";
  /**
   * Thrown while reading Docker's contexts or buildx's builders.
   *
   * @param message Which context or builder, and what is wrong with it.
   */
  constructor(message: string) {
    super("E_DOCKER_CONTEXT", message);
  }
}

/**
 * The docker CLI's configuration directory: `DOCKER_CONFIG`, else `~/.docker`.
 *
 * @example
 * ```ts
 * import { dockerConfigDir } from "./docker_context.ts";
 * dockerConfigDir({ HOME: "/home/me" }); // "/home/me/.docker"
 * ```
 */
export function dockerConfigDir(env: DockerConfigEnv): string | undefined {
  if (env.DOCKER_CONFIG) return env.DOCKER_CONFIG;
  return env.HOME ? join(env.HOME, ".docker") : undefined;
}

/**
 * The context the docker CLI would use (`DOCKER_CONTEXT`, else
 * `currentContext` in config.json), or `undefined` for the default one.
 *
 * @example
 * ```ts
 * import { currentDockerContext } from "./docker_context.ts";
 * currentDockerContext({ DOCKER_CONTEXT: "remote" }); // { name: "remote", origin: "DOCKER_CONTEXT" }
 * ```
 */
export function currentDockerContext(env: DockerConfigEnv): { name: string; origin: string } | undefined {
  if (env.DOCKER_CONTEXT) {
    return env.DOCKER_CONTEXT === "default"
      ? undefined
      : { name: env.DOCKER_CONTEXT, origin: "DOCKER_CONTEXT" };
  }
  const dir = dockerConfigDir(env);
  if (!dir) return undefined;
  let config: { currentContext?: unknown };
  try {
    config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
  } catch {
    return undefined; // no config (or an unreadable one): the docker CLI uses the default context too
  }
  const name = config.currentContext;
  if (typeof name !== "string" || name === "" || name === "default") return undefined;
  return { name, origin: `currentContext in ${join(dir, "config.json")}` };
}

/**
 * Reads the Docker endpoint of the context `name`.
 *
 * @example
 * ```ts
 * import { readDockerContext } from "./docker_context.ts";
 * // readDockerContext("remote", { HOME: "/home/me" }, "--builder").host === "tcp://10.0.0.5:2376"
 * ```
 */
export function readDockerContext(name: string, env: DockerConfigEnv, origin: string): DockerContextEndpoint {
  const dir = dockerConfigDir(env);
  if (!dir) {
    throw new DockerContextError(`docker context "${name}" (${origin}): HOME and DOCKER_CONFIG are unset`);
  }
  const id = createHash("sha256").update(name).digest("hex");
  const metaFile = join(dir, "contexts", "meta", id, "meta.json");
  let meta: { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } };
  try {
    meta = JSON.parse(readFileSync(metaFile, "utf8"));
  } catch (err) {
    const missing = (err as { code?: string }).code === "ENOENT";
    throw new DockerContextError(
      missing
        ? `docker context "${name}" (${origin}) does not exist (no ${metaFile}); see \`docker context ls\``
        : `docker context "${name}" (${origin}): cannot read ${metaFile}: ${(err as Error).message}`,
    );
  }
  const host = meta.Endpoints?.docker?.Host;
  if (typeof host !== "string" || host === "") {
    throw new DockerContextError(`docker context "${name}" (${origin}) has no Docker endpoint host`);
  }
  const tlsDir = join(dir, "contexts", "tls", id, "docker");
  const read = (file: string) =>
    existsSync(join(tlsDir, file)) ? readFileSync(join(tlsDir, file)) : undefined;
  const [ca, cert, key] = [read("ca.pem"), read("cert.pem"), read("key.pem")];
  const tls = ca || cert || key
    ? { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) }
    : undefined;
  return { name, host, ...(tls ? { tls } : {}), origin };
}
