/**
 * Which engine to use: an explicit `--host`/`--builder`, `BUILDKIT_HOST` (a
 * standalone buildkitd), `DOCKER_HOST`, the current docker context, or else
 * the default sockets.
 *
 * @module
 */
import { AddressError, type EngineAddress, parseSocketAddress, type TlsOptions } from "./address.ts";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type BuildxEndpoint, type BuildxEnv, readBuildxBuilder } from "./buildx_builder.ts";
import { currentDockerContext, dockerConfigDir, readDockerContext } from "./docker_context.ts";

/** The environment variables discovery reads (passed in, never read globally). */
export interface EngineEnv extends BuildxEnv {
  BUILDKIT_HOST?: string;
  DOCKER_HOST?: string;
  /** With DOCKER_HOST on tcp: use TLS (the docker CLI's rule: any non-empty value). */
  DOCKER_TLS_VERIFY?: string;
  /** Directory of ca.pem, cert.pem and key.pem for DOCKER_HOST. @default ~/.docker */
  DOCKER_CERT_PATH?: string;
}

/** An explicit engine choice, from the command line or a library caller. */
export interface EngineSelection {
  /**
   * A buildkitd at `unix:///…` or `tcp://host:port`, or Docker with
   * `docker+unix:///…` / `docker+tcp://…`. Overrides the environment.
   */
  host?: string;
  /** A buildx builder (`remote` or `docker` driver) or else a docker context, by name. Overrides the environment. */
  builder?: string;
  /** TLS for a tcp engine (read from files by the caller). */
  tls?: TlsOptions;
}

const DEFAULT_DOCKER_SOCKET = "unix:///var/run/docker.sock";
const DEFAULT_BUILDKITD_SOCKET = "unix:///run/buildkit/buildkitd.sock";

/**
 * The engines to try, in order: the one configured (explicit host or
 * context, `BUILDKIT_HOST`, `DOCKER_HOST`, the current docker context), or
 * else Docker's default socket followed by buildkitd's default socket.
 *
 * @example
 * ```ts
 * import { engineCandidates } from "./discover.ts";
 * engineCandidates({}).map((a) => a.text); // ["unix:///var/run/docker.sock", "unix:///run/buildkit/buildkitd.sock"]
 * engineCandidates({}, { host: "tcp://10.0.0.5:1234" })[0].engine; // "buildkitd"
 * ```
 */
export function engineCandidates(env: EngineEnv, selection: string | EngineSelection = {}): EngineAddress[] {
  const chosen = typeof selection === "string" ? { host: selection } : selection;
  const first = discoverEngine(env, chosen);
  if (first.origin !== "the default Docker socket") return [first];
  return [first, {
    engine: "buildkitd",
    socket: parseSocketAddress(DEFAULT_BUILDKITD_SOCKET),
    text: DEFAULT_BUILDKITD_SOCKET,
    origin: "the default buildkitd socket",
  }];
}

/**
 * The engine address to use, in order of precedence: an explicit host or
 * context, `BUILDKIT_HOST`, `DOCKER_HOST`, `DOCKER_CONTEXT` or config.json's
 * `currentContext`, then Docker's default socket. An explicit host is a
 * buildkitd unless prefixed with `docker+` (e.g. `docker+unix:///x.sock`).
 *
 * @example
 * ```ts
 * import { discoverEngine } from "./discover.ts";
 * discoverEngine({ BUILDKIT_HOST: "tcp://127.0.0.1:1234" }).engine; // "buildkitd"
 * discoverEngine({}).text; // "unix:///var/run/docker.sock" (with no docker context set)
 * ```
 */
export function discoverEngine(env: EngineEnv, selection: string | EngineSelection = {}): EngineAddress {
  const chosen = typeof selection === "string" ? { host: selection } : selection;
  const address = pick(env, chosen);
  const tls = chosen.tls ?? address.tls;
  if (!tls) return address;
  if (address.socket.kind !== "tcp") {
    throw new AddressError(
      `TLS options apply to tcp:// engines, but ${address.text} (${address.origin}) is a unix socket`,
    );
  }
  return { ...address, tls };
}

function pick(env: EngineEnv, chosen: EngineSelection): EngineAddress {
  if (chosen.host) {
    const docker = chosen.host.startsWith("docker+");
    const text = docker ? chosen.host.slice("docker+".length) : chosen.host;
    return {
      engine: docker ? "docker" : "buildkitd",
      socket: parseSocketAddress(text, docker ? 2375 : 1234),
      text,
      origin: "--host",
    };
  }
  if (chosen.builder) return fromBuilder(env, chosen.builder);
  if (env.BUILDKIT_HOST) {
    return {
      engine: "buildkitd",
      socket: parseSocketAddress(env.BUILDKIT_HOST, 1234),
      text: env.BUILDKIT_HOST,
      origin: "BUILDKIT_HOST",
    };
  }
  if (env.DOCKER_HOST) {
    const tls = env.DOCKER_TLS_VERIFY || env.DOCKER_CERT_PATH ? dockerCertPathTls(env) : undefined;
    return {
      engine: "docker",
      socket: parseSocketAddress(env.DOCKER_HOST),
      text: env.DOCKER_HOST,
      origin: "DOCKER_HOST",
      ...(tls ? { tls } : {}),
    };
  }
  const current = currentDockerContext(env);
  if (current) return fromContext(env, current.name, current.origin);
  return {
    engine: "docker",
    socket: parseSocketAddress(DEFAULT_DOCKER_SOCKET),
    text: DEFAULT_DOCKER_SOCKET,
    origin: "the default Docker socket",
  };
}

function fromBuilder(env: EngineEnv, name: string): EngineAddress {
  const builder = readBuildxBuilder(name, env);
  if (!builder) return fromContext(env, name, "--builder");
  return addressOfBuildxEndpoint(env, builder, `buildx builder "${name}" (--builder)`);
}

/**
 * The engine address of one buildx node's endpoint: a buildkitd (remote driver), or Docker by context name or
 * host (docker driver).
 *
 * @example
 * ```ts
 * import { addressOfBuildxEndpoint } from "./discover.ts";
 * addressOfBuildxEndpoint({}, { kind: "buildkitd", address: "tcp://10.0.0.5:1234" }, "builder").engine; // "buildkitd"
 * ```
 */
export function addressOfBuildxEndpoint(
  env: EngineEnv,
  builder: BuildxEndpoint,
  origin: string,
): EngineAddress {
  if (builder.kind === "buildkitd") {
    return {
      engine: "buildkitd",
      socket: parseSocketAddress(builder.address, 1234),
      text: builder.address,
      origin,
      ...(builder.tls ? { tls: builder.tls } : {}),
    };
  }
  // The docker driver's endpoint is a docker context name, or a Docker host.
  if (!builder.endpoint.includes("://")) return fromContext(env, builder.endpoint, origin);
  return { engine: "docker", socket: parseSocketAddress(builder.endpoint), text: builder.endpoint, origin };
}

/**
 * One engine by the way a user names it: `unix://…`/`tcp://…` (a buildkitd), `docker+unix://…`/`docker+tcp://…`
 * (Docker), or a buildx builder's first node or a docker context by name.
 *
 * @example
 * ```ts
 * import { engineNamed } from "./discover.ts";
 * engineNamed({}, "docker+unix:///var/run/docker.sock", "--node").engine; // "docker"
 * ```
 */
export function engineNamed(env: EngineEnv, text: string, origin: string): EngineAddress {
  if (!text.includes("://")) {
    const builder = readBuildxBuilder(text, env);
    return builder ? addressOfBuildxEndpoint(env, builder, origin) : fromContext(env, text, origin);
  }
  return { ...pick(env, { host: text }), origin };
}

// The docker CLI's DOCKER_CERT_PATH files; each is optional (ca.pem alone verifies the server only).
function dockerCertPathTls(env: EngineEnv): TlsOptions | undefined {
  const dir = env.DOCKER_CERT_PATH ?? dockerConfigDir(env);
  if (!dir) return undefined;
  const read = (file: string) => (existsSync(join(dir, file)) ? readFileSync(join(dir, file)) : undefined);
  const [ca, cert, key] = [read("ca.pem"), read("cert.pem"), read("key.pem")];
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}

function fromContext(env: EngineEnv, name: string, origin: string): EngineAddress {
  const endpoint = readDockerContext(name, env, origin);
  return {
    engine: "docker",
    socket: parseSocketAddress(endpoint.host),
    text: endpoint.host,
    origin: `docker context "${name}" (${origin})`,
    ...(endpoint.tls ? { tls: endpoint.tls } : {}),
  };
}
