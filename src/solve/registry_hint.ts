/**
 * A line added to a build error when a registry refused access, saying which
 * credentials were used (by origin, never by value) or that there were none.
 *
 * @module
 */
import type { RegistryCredentialStore } from "../session/registry_credentials.ts";
import { canonicalRegistryHost } from "../session/registry_host.ts";
import { BuildError } from "./errors.ts";

// How engines word a refusal: BuildKit's resolver, Docker 20.10's puller, token servers.
const REFUSED =
  /\b401 Unauthorized\b|\b403 Forbidden\b|failed to authorize|no basic auth credentials|authentication required|insufficient_scope/i;
const HOST_IN_MESSAGE = /(?:https?:\/\/|\bhost\s+)([a-z0-9][a-z0-9.-]*(?::\d+)?)/i;

/**
 * The hint for an engine message, or `undefined` when it is not a registry refusal.
 *
 * @example
 * ```ts
 * import process from "node:process";
 * import { RegistryCredentialStore } from "../session/registry_credentials.ts";
 * import { registryHint } from "./registry_hint.ts";
 * const store = new RegistryCredentialStore({ env: process.env });
 * registryHint("unexpected status from HEAD request to http://reg:5000/v2/x/manifests/1: 401 Unauthorized", store);
 * // 'registry reg:5000 refused access and no credentials were found for it: ...'
 * ```
 */
export function registryHint(message: string, store: RegistryCredentialStore): string | undefined {
  if (!REFUSED.test(message)) return undefined;
  const hostMatch = HOST_IN_MESSAGE.exec(message);
  if (!hostMatch) return undefined;
  // Docker Hub's token server stands for Docker Hub.
  const named = canonicalRegistryHost(hostMatch[1]);
  const host = named === "auth.docker.io" ? "docker.io" : named;
  const origin = store.served().get(host);
  if (origin) return `registry ${host} refused the credentials from ${origin}`;
  const problem = store.problems().get(host);
  return `registry ${host} refused access and no credentials were found for it` +
    (problem ? ` (${problem})` : "") +
    `: give them with the registryAuth build option, DOCKER_AUTH_CONFIG, or \`docker login ${host}\``;
}

/**
 * `err` with the {@link registryHint} appended to its message, when it is a
 * BuildError from a registry refusal; `err` itself otherwise.
 *
 * @example
 * ```ts
 * import process from "node:process";
 * import { RegistryCredentialStore } from "../session/registry_credentials.ts";
 * import { withRegistryHint } from "./registry_hint.ts";
 * const store = new RegistryCredentialStore({ env: process.env });
 * // try { ... } catch (err) { throw withRegistryHint(err, store); }
 * ```
 */
export function withRegistryHint(err: unknown, store: RegistryCredentialStore): unknown {
  if (!(err instanceof BuildError)) return err;
  const hint = registryHint(err.engineMessage, store);
  if (!hint) return err;
  return new BuildError(`${err.engineMessage}\n${hint}`, err.vertex, err.location, { cause: err.cause });
}
