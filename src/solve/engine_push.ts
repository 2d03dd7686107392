/**
 * Pushing an image from Docker's own store through the Engine API
 * (`POST /images/{name}/push`), for engines whose `moby` exporter cannot push
 * (Docker with a graphdriver store). Credentials travel in `X-Registry-Auth`.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { DrydockError } from "../core/errors.ts";
import { normalizeImageRef } from "../dsl/reference.ts";
import type { Transport } from "../transport/transport.ts";

/** Credentials for one registry: a user and password, or (empty user) an identity token. */
export interface PushCredentials {
  readonly username: string;
  readonly secret: string;
  /** Where they came from (never the values), for messages. */
  readonly origin?: string;
}

/** Finds credentials for a registry host (`localhost:5000`, `docker.io`); `undefined` for anonymous. */
export type CredentialLookup = (host: string) => Promise<PushCredentials | undefined>;

/** What one push did. */
export interface PushResult {
  /** The reference pushed, as the user named it. */
  readonly name: string;
  /** The manifest digest the registry stored. */
  readonly digest?: string;
}

/** A push through the Engine API failed. */
export class PushError extends DrydockError {
  /** The class name, shown before the message in stack traces. */
  override name = "PushError";
  /**
   * Thrown when pushing through the Docker Engine API fails.
   *
   * @param message What failed, with the registry's or the engine's words.
   */
  constructor(message: string) {
    super("E_PUSH", message);
  }
}

/**
 * The `X-Registry-Auth` header value: base64url of Docker's AuthConfig JSON
 * (`{}` when anonymous, which the engine accepts).
 *
 * @example
 * ```ts
 * import { registryAuthHeader } from "./engine_push.ts";
 * registryAuthHeader("localhost:5000", undefined); // "e30"
 * ```
 */
export function registryAuthHeader(host: string, credentials: PushCredentials | undefined): string {
  const json = !credentials
    ? "{}"
    : credentials.username
    ? JSON.stringify({ username: credentials.username, password: credentials.secret, serveraddress: host })
    : JSON.stringify({ identitytoken: credentials.secret, serveraddress: host });
  return Buffer.from(json).toString("base64url");
}

/**
 * Pushes `name` (already in the engine's image store) to its registry.
 *
 * @example
 * ```ts
 * import { pushThroughEngine } from "./engine_push.ts";
 * // const { digest } = await pushThroughEngine(transport, "localhost:5000/app:1", async () => undefined);
 * ```
 */
export async function pushThroughEngine(
  transport: Transport,
  name: string,
  credentials: CredentialLookup,
  signal?: AbortSignal,
): Promise<PushResult> {
  if (!transport.dockerApi) {
    throw new PushError(`pushing ${name}: the engine at ${transport.address} has no Docker Engine API`);
  }
  const ref = normalizeImageRef(name);
  const repository = `${ref.domain}/${ref.path}`;
  const tag = ref.tag ?? "latest";
  const found = await credentials(ref.domain);
  const auth = registryAuthHeader(ref.domain, found);
  const res = await transport.dockerApi(
    "POST",
    `/images/${encodeURIComponent(repository)}/push?tag=${encodeURIComponent(tag)}`,
    { "X-Registry-Auth": auth },
    signal,
  );
  if (res.status !== 200) {
    throw new PushError(`pushing ${name}: the engine answered HTTP ${res.status}: ${apiMessage(res.body)}`);
  }
  let digest: string | undefined;
  // The body is one JSON message per line; errors arrive inside a 200 answer.
  for (const line of res.body.split("\n")) {
    if (!line.trim()) continue;
    let msg: { error?: string; errorDetail?: { message?: string }; aux?: { Digest?: string } };
    try {
      msg = JSON.parse(line);
    } catch {
      continue;
    }
    if (msg.error || msg.errorDetail) {
      const reason = msg.errorDetail?.message ?? msg.error ?? "";
      throw new PushError(`pushing ${name}: ${reason}${authHint(reason, ref.domain, found)}`);
    }
    if (msg.aux?.Digest) digest = msg.aux.Digest;
  }
  return { name, digest };
}

function authHint(reason: string, host: string, found: PushCredentials | undefined): string {
  if (!/unauthorized|authentication required|no basic auth credentials|denied/i.test(reason)) return "";
  return found
    ? `\nregistry ${host} refused the credentials ${found.origin ? `from ${found.origin}` : "found for it"}`
    : `\nno credentials were found for registry ${host}: give them with the registryAuth build option, ` +
      `DOCKER_AUTH_CONFIG, or \`docker login ${host}\``;
}

function apiMessage(body: string): string {
  try {
    return (JSON.parse(body) as { message?: string }).message ?? body;
  } catch {
    return body.slice(0, 300);
  }
}
