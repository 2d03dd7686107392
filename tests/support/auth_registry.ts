/**
 * The htpasswd registry started by tests/engines/up.sh: its address and login,
 * and fresh tags of its busybox image, so no engine has the tag cached and
 * every pull really asks the registry.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import process from "node:process";
import { unique } from "./engines.ts";

/** The auth registry's address and login, when configured. */
export interface AuthRegistry {
  readonly host: string;
  readonly username: string;
  readonly password: string;
}

const host = process.env.DRYDOCK_AUTH_REGISTRY;
export const authRegistry: AuthRegistry | undefined = host
  ? {
    host,
    username: process.env.DRYDOCK_AUTH_REGISTRY_USER ?? "",
    password: process.env.DRYDOCK_AUTH_REGISTRY_PASSWORD ?? "",
  }
  : undefined;

const MANIFEST_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

/** Copies `busybox:latest` to a new unique tag (manifest only; the blobs are shared) and returns the full ref. */
export async function freshBusyboxTag(registry: AuthRegistry): Promise<string> {
  const auth = `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString("base64")}`;
  const base = `http://${registry.host}/v2/busybox/manifests`;
  const got = await fetch(`${base}/latest`, { headers: { Authorization: auth, Accept: MANIFEST_TYPES } });
  if (!got.ok) throw new Error(`GET busybox:latest from ${registry.host}: ${got.status}`);
  const type = got.headers.get("content-type") ?? "application/vnd.docker.distribution.manifest.v2+json";
  const body = new Uint8Array(await got.arrayBuffer());
  const tag = unique("t");
  const put = await fetch(`${base}/${tag}`, {
    method: "PUT",
    headers: { Authorization: auth, "Content-Type": type },
    body,
  });
  if (!put.ok) throw new Error(`PUT busybox:${tag} to ${registry.host}: ${put.status} ${await put.text()}`);
  return `${registry.host}/busybox:${tag}`;
}
