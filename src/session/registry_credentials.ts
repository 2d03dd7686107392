/**
 * Which credentials the engine gets for a registry host, and from where:
 * credentials given in code first, then `DOCKER_AUTH_CONFIG` (a config.json
 * document in the environment, as recent Docker CLIs read it), then the Docker
 * config file with its credential helpers.
 *
 * @module
 */
import { runCredentialHelper } from "./credential_helper.ts";
import {
  type DockerAuthConfig,
  loadDockerConfig,
  parseDockerConfig,
  type RegistryCredentials,
} from "./docker_config.ts";
import { canonicalRegistryHost, credentialServerAddress } from "./registry_host.ts";

/**
 * Credentials for one registry given in code: a user and password (personal
 * access tokens go here, as the password), or an OAuth identity token (what
 * `docker login` stores as `identitytoken`).
 */
export type RegistryLogin =
  | { readonly username: string; readonly password: string }
  | { readonly token: string };

/** Credentials found for a host, and a description of where they came from (never the values). */
export interface FoundCredentials extends RegistryCredentials {
  readonly origin: string;
}

/** Options of {@link RegistryCredentialStore}. */
export interface RegistryCredentialOptions {
  /** Logins by registry host (`ghcr.io`, `localhost:5000`, `docker.io`). Win over everything else. */
  readonly logins?: Readonly<Record<string, RegistryLogin>>;
  /** Where `DOCKER_AUTH_CONFIG`, `DOCKER_CONFIG` and `HOME` are read. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Runs a credential helper; replaceable in tests. @default runCredentialHelper */
  readonly runHelper?: typeof runCredentialHelper;
}

/**
 * Looks credentials up once per host per build (the engine asks repeatedly)
 * and remembers which host got credentials from where, for error hints.
 *
 * @example
 * ```ts
 * import process from "node:process";
 * import { RegistryCredentialStore } from "./registry_credentials.ts";
 * const store = new RegistryCredentialStore({ env: process.env, logins: { "ghcr.io": { token: "…" } } });
 * const found = await store.get("ghcr.io"); // { username: "", secret: "…", origin: "the build's registryAuth option" }
 * ```
 */
export class RegistryCredentialStore {
  readonly #logins: ReadonlyMap<string, RegistryCredentials>;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #runHelper: typeof runCredentialHelper;
  readonly #cache = new Map<string, Promise<FoundCredentials | undefined>>();
  readonly #served = new Map<string, string>();
  readonly #problems = new Map<string, string>();
  #configs?: Promise<{ origin: string; config: DockerAuthConfig }[]>;

  constructor(options: RegistryCredentialOptions) {
    this.#env = options.env;
    this.#runHelper = options.runHelper ?? runCredentialHelper;
    this.#logins = new Map(
      Object.entries(options.logins ?? {}).map(([host, login]) => [
        canonicalRegistryHost(host),
        "token" in login
          ? { username: "", secret: login.token }
          : { username: login.username, secret: login.password },
      ]),
    );
  }

  /** Credentials for `host` as the engine names it, or `undefined` for anonymous access. */
  get(host: string): Promise<FoundCredentials | undefined> {
    const canonical = canonicalRegistryHost(host);
    let found = this.#cache.get(canonical);
    if (!found) {
      found = this.#lookup(canonical).then((f) => {
        if (f) this.#served.set(canonical, f.origin);
        return f;
      });
      this.#cache.set(canonical, found);
    }
    return found;
  }

  /** Hosts that got credentials during this build, with their origin. */
  served(): ReadonlyMap<string, string> {
    return this.#served;
  }

  /** Hosts whose lookup hit a problem that did not stop the build (a missing helper), with a description. */
  problems(): ReadonlyMap<string, string> {
    return this.#problems;
  }

  async #lookup(host: string): Promise<FoundCredentials | undefined> {
    const login = this.#logins.get(host);
    if (login) return { ...login, origin: "the build's registryAuth option" };
    for (const { origin, config } of await this.#loadConfigs()) {
      const helper = config.credHelpers.get(host) ?? config.credsStore;
      if (helper) {
        let got;
        try {
          got = await this.#runHelper(helper, credentialServerAddress(host));
        } catch (err) {
          // A config naming a helper this machine lacks (Docker Desktop's "desktop" elsewhere) must not
          // break public pulls; the refusal hint mentions it if the registry wanted credentials.
          if ((err as { code?: string }).code !== "E_CREDENTIAL_HELPER_MISSING") throw err;
          this.#problems.set(host, `${origin} names docker-credential-${helper}, which is not installed`);
        }
        if (got) {
          // Helpers return identity tokens under the user "<token>".
          const username = got.username === "<token>" ? "" : got.username;
          return { username, secret: got.secret, origin: `${origin} (docker-credential-${helper})` };
        }
      }
      // With a helper that has nothing, the Docker CLI goes anonymous; the file's own entry is kinder.
      const stored = config.auths.get(host);
      if (stored) return { ...stored, origin };
    }
    return undefined;
  }

  #loadConfigs(): Promise<{ origin: string; config: DockerAuthConfig }[]> {
    this.#configs ??= (async () => {
      const out: { origin: string; config: DockerAuthConfig }[] = [];
      const inline = this.#env.DOCKER_AUTH_CONFIG;
      if (inline) {
        out.push({ origin: "DOCKER_AUTH_CONFIG", config: parseDockerConfig(inline, "DOCKER_AUTH_CONFIG") });
      }
      const file = await loadDockerConfig(this.#env);
      if (file) out.push({ origin: file.path, config: file.config });
      return out;
    })();
    return this.#configs;
  }
}
