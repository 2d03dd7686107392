/**
 * Registry credentials from a Docker CLI config (`config.json`): `auths`
 * entries (base64 `auth`, `username`/`password`, `identitytoken`),
 * `credsStore` and `credHelpers`. Parsing is pure; {@link loadDockerConfig}
 * finds and reads the file the way the Docker CLI does.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { DrydockError } from "../core/errors.ts";
import { canonicalRegistryHost } from "./registry_host.ts";

/** Credentials for one registry, as the engine's Auth/Credentials returns them. */
export interface RegistryCredentials {
  /** Empty with an identity token. */
  readonly username: string;
  /** The password, or the identity token when `username` is empty. */
  readonly secret: string;
}

/** The credential parts of a Docker config. */
export interface DockerAuthConfig {
  /** Stored credentials by canonical host. */
  readonly auths: ReadonlyMap<string, RegistryCredentials>;
  /** Helper for every host (`docker-credential-<credsStore>`). */
  readonly credsStore?: string;
  /** Helpers by canonical host. */
  readonly credHelpers: ReadonlyMap<string, string>;
}

/**
 * Parses config.json text. `origin` names it in errors (which never quote values).
 *
 * @example
 * ```ts
 * import { parseDockerConfig } from "./docker_config.ts";
 * const config = parseDockerConfig('{"auths":{"https://index.docker.io/v1/":{"auth":"dTpw"}}}', "config.json");
 * config.auths.get("docker.io"); // { username: "u", secret: "p" }
 * ```
 */
export function parseDockerConfig(text: string, origin: string): DockerAuthConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new DrydockError("E_DOCKER_CONFIG", `${origin} is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(raw)) throw new DrydockError("E_DOCKER_CONFIG", `${origin} must hold a JSON object`);
  const auths = new Map<string, RegistryCredentials>();
  for (const [server, entry] of Object.entries(isObject(raw.auths) ? raw.auths : {})) {
    const credentials = isObject(entry)
      ? parseAuthEntry(entry, `${origin}: auths[${JSON.stringify(server)}]`)
      : undefined;
    if (credentials) auths.set(canonicalRegistryHost(server), credentials);
  }
  const credHelpers = new Map<string, string>();
  for (const [server, helper] of Object.entries(isObject(raw.credHelpers) ? raw.credHelpers : {})) {
    if (typeof helper === "string" && helper !== "") credHelpers.set(canonicalRegistryHost(server), helper);
  }
  const credsStore = typeof raw.credsStore === "string" && raw.credsStore !== "" ? raw.credsStore : undefined;
  return { auths, credsStore, credHelpers };
}

// Precedence as in the Docker CLI: identitytoken, then username/password, then the base64 auth pair.
function parseAuthEntry(entry: Record<string, unknown>, where: string): RegistryCredentials | undefined {
  const str = (k: string) => (typeof entry[k] === "string" ? entry[k] as string : "");
  if (str("identitytoken")) return { username: "", secret: str("identitytoken") };
  if (str("username") || str("password")) return { username: str("username"), secret: str("password") };
  const auth = str("auth");
  if (!auth) return undefined;
  const decoded = Buffer.from(auth, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) throw new DrydockError("E_DOCKER_CONFIG", `${where}.auth is not base64 of "user:password"`);
  return { username: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Where the Docker CLI reads its config: `$DOCKER_CONFIG/config.json`, else
 * `~/.docker/config.json`.
 *
 * @example
 * ```ts
 * import { dockerConfigPath } from "./docker_config.ts";
 * dockerConfigPath({ DOCKER_CONFIG: "/etc/ci/docker" }); // "/etc/ci/docker/config.json"
 * ```
 */
export function dockerConfigPath(env: Readonly<Record<string, string | undefined>>): string {
  return join(env.DOCKER_CONFIG || join(homedir(), ".docker"), "config.json");
}

/**
 * Reads and parses the Docker config; `undefined` when there is none.
 *
 * @example
 * ```ts
 * import process from "node:process";
 * import { loadDockerConfig } from "./docker_config.ts";
 * const loaded = await loadDockerConfig(process.env);
 * ```
 */
export async function loadDockerConfig(
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ path: string; config: DockerAuthConfig } | undefined> {
  const path = dockerConfigPath(env);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new DrydockError("E_DOCKER_CONFIG", `cannot read ${path}: ${(err as Error).message}`);
  }
  return { path, config: parseDockerConfig(text, path) };
}
