/**
 * Reading what a test pushed, straight from the registry's HTTP API (not
 * through drydock or an engine).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import process from "node:process";

const ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

/** The no-auth registry (`localhost:5000`), or undefined when not configured. */
export const registry = process.env.DRYDOCK_REGISTRY;
/** A manifest or index as the registry serves it, with its digest. */
export interface FetchedManifest {
  status: number;
  digest: string | null;
  mediaType: string | null;
  body: Record<string, unknown> & {
    mediaType?: string;
    manifests?: {
      digest: string;
      mediaType: string;
      platform?: Record<string, string>;
      annotations?: Record<string, string>;
    }[];
    layers?: { mediaType: string; digest: string }[];
    config?: { digest: string; mediaType: string };
    annotations?: Record<string, string>;
  };
}

function authHeader(user?: { username: string; password: string }): Record<string, string> {
  return user
    ? { authorization: `Basic ${Buffer.from(`${user.username}:${user.password}`).toString("base64")}` }
    : {};
}

/** GETs `/v2/<repo>/manifests/<reference>` from `host`. */
export async function fetchManifest(
  host: string,
  repo: string,
  reference: string,
  user?: { username: string; password: string },
): Promise<FetchedManifest> {
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${reference}`, {
    headers: { accept: ACCEPT, ...authHeader(user) },
  });
  const text = await res.text();
  return {
    status: res.status,
    digest: res.headers.get("docker-content-digest"),
    mediaType: res.headers.get("content-type"),
    body: res.ok ? JSON.parse(text) : {},
  };
}

/** GETs a blob as JSON. */
export async function fetchBlobJson(
  host: string,
  repo: string,
  digest: string,
  user?: { username: string; password: string },
): Promise<Record<string, unknown>> {
  const res = await fetch(`http://${host}/v2/${repo}/blobs/${digest}`, { headers: authHeader(user) });
  if (!res.ok) throw new Error(`blob ${digest}: HTTP ${res.status}`);
  return await res.json();
}

/** The tags of a repository (empty when it does not exist). */
export async function listTags(host: string, repo: string): Promise<string[]> {
  const res = await fetch(`http://${host}/v2/${repo}/tags/list`);
  if (!res.ok) return [];
  return ((await res.json()) as { tags?: string[] }).tags ?? [];
}
