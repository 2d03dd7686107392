/**
 * Joining images pushed by digest into one OCI image index under a tag, as buildx's `imagetools create` does:
 * read each pushed manifest (or index) from the registry, list their manifests with their platforms, PUT the
 * index. Plain `fetch` over the registry HTTP API, with the build's credentials (Basic, or a Bearer token).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { normalizeImageRef } from "../dsl/reference.ts";
import type { CredentialLookup, PushCredentials } from "./engine_push.ts";
import { PushError } from "./engine_push.ts";

const INDEX = "application/vnd.oci.image.index.v1+json";
const ACCEPT = [
  INDEX,
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

/** One entry of an image index. */
export interface IndexEntry {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: { os: string; architecture: string; variant?: string };
  readonly annotations?: Record<string, string>;
}

/** A registry repository, reached over HTTP(S) with the build's credentials. */
export class RegistryRepository {
  readonly #base: string;
  readonly #host: string;
  readonly #path: string;
  readonly #credentials: CredentialLookup;
  #authorization?: string;

  /** `name` is an image reference (`localhost:5000/app:1`); its tag is ignored here. */
  constructor(name: string, credentials: CredentialLookup, readonly signal?: AbortSignal) {
    const ref = normalizeImageRef(name);
    this.#host = ref.domain;
    this.#path = ref.path;
    const api = ref.domain === "docker.io" ? "registry-1.docker.io" : ref.domain;
    // Registries on this machine speak plain HTTP, as BuildKit assumes for localhost.
    const local = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(ref.domain);
    this.#base = `${local ? "http" : "https"}://${api}/v2/${ref.path}`;
    this.#credentials = credentials;
  }

  /**
   * The entries for the index from one pushed image: the manifest itself (with `platform`), or every entry of
   * a pushed index (attestation manifests included).
   *
   * @example
   * ```ts
   * import { RegistryRepository } from "./image_index.ts";
   * // const entries = await new RegistryRepository("localhost:5000/app", async () => undefined)
   * //   .entriesOf("sha256:…", { os: "linux", architecture: "arm64" });
   * ```
   */
  async entriesOf(digest: string, platform: IndexEntry["platform"]): Promise<IndexEntry[]> {
    const res = await this.#request("GET", `/manifests/${digest}`, { accept: ACCEPT });
    const body = Buffer.from(await res.arrayBuffer());
    const mediaType = (res.headers.get("content-type") ?? "").split(";")[0];
    const parsed = JSON.parse(body.toString("utf8")) as { mediaType?: string; manifests?: IndexEntry[] };
    const type = parsed.mediaType ?? mediaType;
    if (parsed.manifests) return parsed.manifests;
    return [{ mediaType: type, digest, size: body.length, ...(platform ? { platform } : {}) }];
  }

  /**
   * PUTs an OCI index over `entries` under `tag`; returns its digest.
   *
   * @example
   * ```ts
   * import { RegistryRepository } from "./image_index.ts";
   * // const digest = await new RegistryRepository("localhost:5000/app", async () => undefined).putIndex("v1", entries);
   * ```
   */
  async putIndex(tag: string, entries: readonly IndexEntry[]): Promise<string> {
    const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: INDEX, manifests: entries }));
    const digest = `sha256:${createHash("sha256").update(body).digest("hex")}`;
    await this.#request("PUT", `/manifests/${tag}`, { "content-type": INDEX }, body);
    return digest;
  }

  async #request(method: string, path: string, headers: Record<string, string>, body?: Buffer) {
    const url = this.#base + path;
    const send = () =>
      fetch(url, {
        method,
        headers: { ...headers, ...(this.#authorization ? { authorization: this.#authorization } : {}) },
        ...(body ? { body: new Uint8Array(body) } : {}),
        signal: this.signal,
      }).catch((err) => {
        throw new PushError(`${method} ${url}: ${(err as Error).message}`);
      });
    let res = await send();
    if (res.status === 401 && !this.#authorization) {
      await res.body?.cancel();
      const creds = await this.#credentials(this.#host);
      this.#authorization = await this.#authorize(res.headers.get("www-authenticate") ?? "", creds);
      if (this.#authorization) res = await send();
    }
    if (!res.ok) {
      const text = (await res.text()).slice(0, 300);
      throw new PushError(
        `${method} ${this.#host}/${this.#path}${path}: the registry answered HTTP ${res.status}: ${text}`,
      );
    }
    return res;
  }

  // The registry's challenge: Basic takes the credentials as they are, Bearer trades them for a token.
  async #authorize(
    challenge: string,
    creds: PushCredentials | undefined,
  ): Promise<string | undefined> {
    const basic = creds && creds.username
      ? `Basic ${Buffer.from(`${creds.username}:${creds.secret}`).toString("base64")}`
      : undefined;
    if (/^basic/i.test(challenge)) return basic;
    if (!/^bearer/i.test(challenge)) return undefined;
    const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (!params.realm) return undefined;
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set("service", params.service);
    // One token for reading the pushed manifests and writing the index.
    url.searchParams.set("scope", `repository:${this.#path}:pull,push`);
    const res = await fetch(url, {
      headers: basic ? { authorization: basic } : {},
      signal: this.signal,
    });
    if (!res.ok) throw new PushError(`registry ${this.#host} refused a token: HTTP ${res.status}`);
    const json = await res.json() as { token?: string; access_token?: string };
    const token = json.token ?? json.access_token;
    return token ? `Bearer ${token}` : undefined;
  }
}
