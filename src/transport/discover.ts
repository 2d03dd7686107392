/**
 * Which engine to use: `BUILDKIT_HOST` names a standalone buildkitd; otherwise
 * Docker's embedded BuildKit at `DOCKER_HOST` or the default Docker socket.
 *
 * @module
 */
import { type EngineAddress, parseSocketAddress } from "./address.ts";

/** The environment variables discovery reads (passed in, never read globally). */
export interface EngineEnv {
  BUILDKIT_HOST?: string;
  DOCKER_HOST?: string;
}

const DEFAULT_DOCKER_SOCKET = "unix:///var/run/docker.sock";
const DEFAULT_BUILDKITD_SOCKET = "unix:///run/buildkit/buildkitd.sock";

/**
 * The engines to try, in order: the one configured (explicit host,
 * `BUILDKIT_HOST`, `DOCKER_HOST`), or else Docker's default socket followed by
 * buildkitd's default socket.
 *
 * @example
 * ```ts
 * import { engineCandidates } from "./discover.ts";
 * engineCandidates({}).map((a) => a.text); // ["unix:///var/run/docker.sock", "unix:///run/buildkit/buildkitd.sock"]
 * ```
 */
export function engineCandidates(env: EngineEnv, host?: string): EngineAddress[] {
  const first = discoverEngine(env, host);
  if (host || env.BUILDKIT_HOST || env.DOCKER_HOST) return [first];
  return [first, {
    engine: "buildkitd",
    socket: parseSocketAddress(DEFAULT_BUILDKITD_SOCKET),
    text: DEFAULT_BUILDKITD_SOCKET,
    origin: "the default buildkitd socket",
  }];
}

/**
 * The engine address to use, in order of precedence: an explicit `host`,
 * `BUILDKIT_HOST`, `DOCKER_HOST`, then Docker's default socket. An explicit
 * host is a buildkitd unless prefixed with `docker+` (e.g. `docker+unix:///x.sock`).
 *
 * @example
 * ```ts
 * import { discoverEngine } from "./discover.ts";
 * discoverEngine({ BUILDKIT_HOST: "tcp://127.0.0.1:1234" }).engine; // "buildkitd"
 * discoverEngine({}).text; // "unix:///var/run/docker.sock"
 * ```
 */
export function discoverEngine(env: EngineEnv, host?: string): EngineAddress {
  if (host) {
    const docker = host.startsWith("docker+");
    const text = docker ? host.slice("docker+".length) : host;
    return {
      engine: docker ? "docker" : "buildkitd",
      socket: parseSocketAddress(text, docker ? 2375 : 1234),
      text,
      origin: "--host",
    };
  }
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
  return {
    engine: "docker",
    socket: parseSocketAddress(DEFAULT_DOCKER_SOCKET),
    text: DEFAULT_DOCKER_SOCKET,
    origin: "the default Docker socket",
  };
}
