/**
 * Image reference parsing and normalization, following the grammar of the
 * distribution `reference` package that BuildKit uses: `busybox` becomes
 * `docker.io/library/busybox:latest`, registries keep their ports, digests stay.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";

/** A parsed, normalized image reference. */
export interface ImageReference {
  /** Registry host, with port if any: `docker.io`, `localhost:5000`. */
  readonly domain: string;
  /** Repository path inside the registry: `library/busybox`. */
  readonly path: string;
  /** Tag, if given or defaulted (`latest` when neither tag nor digest is given). */
  readonly tag?: string;
  /** Content digest `algorithm:hex`, if given. */
  readonly digest?: string;
  /** The full normalized string: `docker.io/library/busybox:latest`. */
  readonly normalized: string;
}

const DEFAULT_DOMAIN = "docker.io";
const LEGACY_DOMAIN = "index.docker.io";
const OFFICIAL_PREFIX = "library/";

const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = "\\[(?:[a-fA-F0-9:]+)\\]";
const DOMAIN = new RegExp(`^(?:${DOMAIN_NAME}|${IPV6})(?::[0-9]+)?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const SHA256_HEX = /^[a-f0-9]{64}$/;
const NAME_MAX = 255;

/** Why a reference could not be parsed; the message is user-facing. */
export class ReferenceError extends DrydockError {
  override name = "ReferenceError";
  constructor(message: string) {
    super("E_REFERENCE", message);
  }
}

/**
 * Parses and normalizes an image reference as Docker does.
 * Throws {@link ReferenceError} with a message saying what part is wrong.
 *
 * @example Normalize short names
 * ```ts
 * import { normalizeImageRef } from "./reference.ts";
 * normalizeImageRef("busybox").normalized; // "docker.io/library/busybox:latest"
 * normalizeImageRef("localhost:5000/app:v1").normalized; // "localhost:5000/app:v1"
 * ```
 */
export function normalizeImageRef(ref: string): ImageReference {
  if (ref === "") throw new ReferenceError("reference is empty");
  if (ref !== ref.trim()) throw new ReferenceError("reference has leading or trailing whitespace");

  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new ReferenceError(`invalid digest "${digest}"`);
    if (digest.startsWith("sha256:") && !SHA256_HEX.test(digest.slice(7))) {
      throw new ReferenceError(`invalid sha256 digest "${digest}": want 64 lowercase hex characters`);
    }
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.indexOf(":", lastSlash + 1);
  if (colon !== -1) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new ReferenceError(`invalid tag "${tag}"`);
  }

  let [domain, path] = splitDomain(rest);
  if (domain === LEGACY_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !path.includes("/")) path = OFFICIAL_PREFIX + path;

  if (!DOMAIN.test(domain)) throw new ReferenceError(`invalid registry host "${domain}"`);
  if (path === "") throw new ReferenceError("repository name is empty");
  for (const component of path.split("/")) {
    if (component !== component.toLowerCase()) {
      throw new ReferenceError(`repository name "${path}" must be lowercase`);
    }
    if (!PATH_COMPONENT.test(component)) {
      throw new ReferenceError(`invalid repository name component "${component}" in "${path}"`);
    }
  }
  if (SHA256_HEX.test(rest)) {
    throw new ReferenceError("a 64-character hexadecimal name is an image ID, not a reference");
  }
  const name = `${domain}/${path}`;
  if (name.length > NAME_MAX) {
    throw new ReferenceError(`repository name is longer than ${NAME_MAX} characters`);
  }

  if (tag === undefined && digest === undefined) tag = "latest";
  const normalized = name + (tag !== undefined ? `:${tag}` : "") + (digest !== undefined ? `@${digest}` : "");
  return { domain, path, tag, digest, normalized };
}

// The first component is a registry host if it looks like one (has a dot or a
// port, or is localhost); otherwise the whole name lives on Docker Hub.
function splitDomain(name: string): [string, string] {
  const slash = name.indexOf("/");
  if (slash === -1) return [DEFAULT_DOMAIN, name];
  const first = name.slice(0, slash);
  const isHost = first.includes(".") || first.includes(":") || first === "localhost" ||
    first !== first.toLowerCase();
  return isHost ? [first, name.slice(slash + 1)] : [DEFAULT_DOMAIN, name];
}
