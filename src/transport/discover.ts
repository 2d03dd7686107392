/**
 * Which engine to use: an explicit `--host`/`--builder`, `BUILDKIT_HOST` (a
 * standalone buildkitd), `DOCKER_HOST`, the current docker context, or else
 * the default sockets.
 *
 * @module
 */
import { AddressError, type EngineAddress, parseSocketAddress, type TlsOptions } from "./address.ts";
import { currentDockerContext, type DockerConfigEnv, readDockerContext } from "./docker_context.ts";

/** The environment variables discovery reads (passed in, never read globally). */
export interface EngineEnv extends DockerConfigEnv {
  BUILDKIT_HOST?: string;
  DOCKER_HOST?: string;
}

/** An explicit engine choice, from the command line or a library caller. */
export interface EngineSelection {
  /**
   * A buildkitd at `unix:///…` or `tcp://host:port`, or Docker with
   * `docker+unix:///…` / `docker+tcp://…`. Overrides the environment.
   */
  host?: string;
  /** A docker context by name. Overrides the environment. */
  context?: string;
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
  if (chosen.context) return fromContext(env, chosen.context, "--builder");
  if (env.BUILDKIT_HOST) {
    return {
      engine: "buildkitd",
      socket: parseSocketAddress(env.BUILDKIT_HOST, 1234),
      text: env.BUILDKIT_HOST,
      origin: "BUILDKIT_HOST",
    };
  }
  if (env.DOCKER_HOST) {
    return {
      engine: "docker",
      socket: parseSocketAddress(env.DOCKER_HOST),
      text: env.DOCKER_HOST,
      origin: "DOCKER_HOST",
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
