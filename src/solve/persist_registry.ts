/**
 * The registry side of persisted cache mounts: the copy is a one-layer OCI
 * image whose manifest annotates the content digest. Read with one manifest
 * GET; written content-addressed (blobs, then the manifest by digest) with the
 * tag moved last, so a concurrent reader sees the old copy or the new one.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { normalizeImageRef } from "../dsl/reference.ts";
import type { CredentialLookup } from "./engine_push.ts";

/** The manifest annotation holding the content digest of the mount. */
export const CONTENT_ANNOTATION = "dev.drydock.persist.content";
const MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

/** A persisted copy found in the registry. */
export interface RegistryCopy {
  /** `repo@sha256:…` of its manifest, for the engine to pull. */
  readonly pinned: string;
  /** The content digest it was saved with; `undefined` when the image is not a persisted cache copy. */
  readonly content: string | undefined;
  /** Compressed layer bytes. */
  readonly size: number;
  /** The layer blob's digest. */
  readonly layer: string | undefined;
}

/** The registry refused a request: its status and message. */
export class RegistryRefusedError extends Error {
  override name = "RegistryRefusedError";
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

/** What a save pushes: the gzipped layer and the platform the image config names. */
export interface RegistryLayer {
  readonly gzip: Uint8Array;
  /** sha256 of the uncompressed tar. */
  readonly diffId: string;
  readonly content: string;
  readonly platform: { readonly os: string; readonly architecture: string };
}

/**
 * One persisted copy's repository and tag in its registry.
 *
 * @example
 * ```ts
 * import { PersistRegistry } from "./persist_registry.ts";
 * const r = new PersistRegistry("localhost:5000/app-cache:npm", () => Promise.resolve(undefined));
 * // const copy = await r.find(); // undefined when the tag does not exist
 * ```
 */
export class PersistRegistry {
  readonly #base: string;
  readonly #repo: string;
  readonly #tag: string;
  readonly #host: string;
  #auth: string | undefined;

  constructor(ref: string, readonly credentials: CredentialLookup, readonly signal?: AbortSignal) {
    const r = normalizeImageRef(ref);
    this.#host = r.domain;
    const registry = r.domain === "docker.io" ? "registry-1.docker.io" : r.domain;
    // As Docker: a registry on this machine speaks plain HTTP.
    const local = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(registry);
    this.#base = `${local ? "http" : "https"}://${registry}/v2/${r.path}`;
    this.#repo = `${r.domain}/${r.path}`;
    this.#tag = r.tag ?? "latest";
  }

  /** The copy under the tag; `undefined` when there is none. */
  async find(): Promise<RegistryCopy | undefined> {
    const res = await this.#request("GET", `/manifests/${this.#tag}`, { accept: MANIFEST });
    if (res.status === 404) return undefined;
    await this.#ok(res, "reading");
    const body = Buffer.from(await res.arrayBuffer());
    const digest = `sha256:${createHash("sha256").update(body).digest("hex")}`;
    const manifest = JSON.parse(body.toString("utf8")) as {
      layers?: { digest: string; size: number }[];
      annotations?: Record<string, string>;
    };
    const layer = manifest.layers?.length === 1 ? manifest.layers[0] : undefined;
    return {
      pinned: `${this.#repo}@${digest}`,
      content: layer ? manifest.annotations?.[CONTENT_ANNOTATION] : undefined,
      size: layer?.size ?? 0,
      layer: layer?.digest,
    };
  }

  /**
   * What is wrong with a copy's layer, if anything: a missing blob, or bytes that are not
   * gzip. Reads its first bytes only (the engine reads the rest when it seeds the cache).
   */
  async layerProblem(copy: RegistryCopy): Promise<string | undefined> {
    if (!copy.layer) return "it has no layer";
    const res = await this.#request("GET", `/blobs/${copy.layer}`, { range: "bytes=0-1" });
    if (res.status === 404) return "its layer blob is missing";
    await this.#ok(res, "reading");
    const reader = res.body!.getReader();
    const first = await reader.read();
    await reader.cancel();
    const bytes = first.value ?? new Uint8Array();
    return bytes[0] === 0x1f && bytes[1] === 0x8b ? undefined : "its layer is not a gzip archive";
  }

  /** Pushes blobs and the manifest by digest, then moves the tag; returns the manifest digest. */
  async save(layer: RegistryLayer): Promise<string> {
    const config = Buffer.from(JSON.stringify({
      architecture: layer.platform.architecture,
      os: layer.platform.os,
      config: {},
      rootfs: { type: "layers", diff_ids: [layer.diffId] },
    }));
    const layerDigest = await this.#blob(layer.gzip);
    const configDigest = await this.#blob(config);
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST,
      config: {
        mediaType: "application/vnd.oci.image.config.v1+json",
        digest: configDigest,
        size: config.length,
      },
      layers: [{ mediaType: LAYER, digest: layerDigest, size: layer.gzip.length }],
      annotations: { [CONTENT_ANNOTATION]: layer.content },
    }));
    const digest = sha256(manifest);
    for (const reference of [digest, this.#tag]) {
      const res = await this.#request(
        "PUT",
        `/manifests/${reference}`,
        { "content-type": MANIFEST },
        manifest,
      );
      await this.#ok(res, "pushing");
    }
    return digest;
  }

  async #blob(bytes: Uint8Array): Promise<string> {
    const digest = sha256(bytes);
    const head = await this.#request("HEAD", `/blobs/${digest}`, {});
    if (head.ok) return digest;
    const start = await this.#request("POST", "/blobs/uploads/", {});
    await this.#ok(start, "pushing");
    const location = new URL(start.headers.get("location") ?? "", this.#base);
    location.searchParams.set("digest", digest);
    const put = await this.#request(
      "PUT",
      location.href,
      { "content-type": "application/octet-stream" },
      bytes,
    );
    await this.#ok(put, "pushing");
    return digest;
  }

  async #ok(res: Response, doing: string): Promise<void> {
    if (res.ok) return;
    const text = (await res.text()).trim().slice(0, 300);
    const why = res.status === 401 || res.status === 403
      ? "access denied (log in with docker login, or pass registryAuth)"
      : `HTTP ${res.status}${text ? `: ${text}` : ""}`;
    throw new RegistryRefusedError(`${doing} ${this.#repo}:${this.#tag}: ${why}`, res.status);
  }

  /** One request, answering a 401 challenge once (Basic, or a Bearer token for this repository). */
  async #request(method: string, path: string, headers: Record<string, string>, body?: Uint8Array) {
    const url = path.startsWith("http") ? path : `${this.#base}${path}`;
    const send = () =>
      fetch(url, {
        method,
        headers: { ...headers, ...(this.#auth ? { authorization: this.#auth } : {}) },
        body: body as BodyInit | undefined,
        signal: this.signal,
      });
    let res = await send();
    if (res.status !== 401 || this.#auth) return res;
    const challenge = res.headers.get("www-authenticate") ?? "";
    const creds = await this.credentials(this.#host);
    const basic = creds && `Basic ${Buffer.from(`${creds.username}:${creds.secret}`).toString("base64")}`;
    if (/^basic/i.test(challenge)) this.#auth = basic;
    else if (/^bearer/i.test(challenge)) this.#auth = await this.#token(challenge, basic);
    if (!this.#auth) return res;
    await res.body?.cancel();
    res = await send();
    return res;
  }

  async #token(challenge: string, basic: string | undefined): Promise<string | undefined> {
    const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (!params.realm) return undefined;
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set("service", params.service);
    url.searchParams.set("scope", `repository:${this.#repo.slice(this.#host.length + 1)}:pull,push`);
    const res = await fetch(url, { headers: basic ? { authorization: basic } : {}, signal: this.signal });
    if (!res.ok) return undefined;
    const json = await res.json() as { token?: string; access_token?: string };
    const token = json.token ?? json.access_token;
    return token ? `Bearer ${token}` : undefined;
  }
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}
