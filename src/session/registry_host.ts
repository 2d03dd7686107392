/**
 * Registry host names as credential stores key them. The engine asks for
 * `registry-1.docker.io`; config files say `https://index.docker.io/v1/`,
 * `docker.io` or `localhost:5000`. Comparing canonical hosts makes them meet.
 *
 * @module
 */

/** Docker Hub's key in config.json and for credential helpers, as the Docker CLI writes it. */
export const DOCKER_HUB_SERVER = "https://index.docker.io/v1/";

const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

/**
 * The bare host (with port) of a registry address: scheme and path dropped,
 * lower-cased, every Docker Hub alias folded into `docker.io`.
 *
 * @example
 * ```ts
 * import { canonicalRegistryHost } from "./registry_host.ts";
 * canonicalRegistryHost("https://index.docker.io/v1/"); // "docker.io"
 * canonicalRegistryHost("registry-1.docker.io"); // "docker.io"
 * canonicalRegistryHost("http://localhost:5000/v2/"); // "localhost:5000"
 * ```
 */
export function canonicalRegistryHost(address: string): string {
  let host = address.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, "");
  const slash = host.indexOf("/");
  if (slash >= 0) host = host.slice(0, slash);
  host = host.toLowerCase();
  return DOCKER_HUB_ALIASES.has(host) ? "docker.io" : host;
}

/**
 * The server address the Docker CLI hands to credential helpers for a host:
 * {@link DOCKER_HUB_SERVER} for Docker Hub, the host itself otherwise.
 *
 * @example
 * ```ts
 * import { credentialServerAddress } from "./registry_host.ts";
 * credentialServerAddress("registry-1.docker.io"); // "https://index.docker.io/v1/"
 * credentialServerAddress("ghcr.io"); // "ghcr.io"
 * ```
 */
export function credentialServerAddress(host: string): string {
  const canonical = canonicalRegistryHost(host);
  return canonical === "docker.io" ? DOCKER_HUB_SERVER : canonical;
}
