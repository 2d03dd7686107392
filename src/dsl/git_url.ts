/**
 * Git remote parsing the way BuildKit's `gitutil.ParseURL` does it, so our
 * `git://` identifiers equal Go's llb's for the same remote.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import { posix } from "node:path";

/** A parsed git remote. */
export interface GitRemote {
  /** `http`, `https`, `ssh` or `git`. */
  readonly scheme: string;
  /** Host, with the port when one is given. */
  readonly host: string;
  /** Path on the host, as written. */
  readonly path: string;
  /** The clone URL without fragment. */
  readonly remote: string;
}

const SUPPORTED = new Set(["http", "https", "ssh", "git"]);
const PROTO = /^([a-zA-Z0-9]+):\/\//;
// `user@host:path`, as scp and git write SSH remotes.
const SCP = /^(?:([^@/:]+)@)?([^@/:]+):(.*)$/;

/**
 * A remote that is not a git URL.
 *
 * @example
 * ```ts
 * import { GitUrlError, parseGitRemote } from "./git_url.ts";
 * try { parseGitRemote("ftp://example.com/x") } catch (e) { e instanceof GitUrlError; } // true
 * ```
 */
export class GitUrlError extends DrydockError {
  override name = "GitUrlError";
  constructor(message: string) {
    super("E_GIT_URL", message);
  }
}

/**
 * Parses a git remote: `https://host/repo.git`, `ssh://git@host/repo`, `git@host:repo.git`.
 * A remote without a scheme (`github.com/x/y`) is read as https, as Go's llb does.
 *
 * @example
 * ```ts
 * import { parseGitRemote } from "./git_url.ts";
 * parseGitRemote("git@example.com:team/repo.git").scheme; // "ssh"
 * ```
 */
export function parseGitRemote(url: string): GitRemote {
  const proto = PROTO.exec(url);
  if (proto) {
    const scheme = proto[1].toLowerCase();
    if (!SUPPORTED.has(scheme)) throw new GitUrlError(`unsupported protocol "${scheme}"`);
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new GitUrlError("is not a valid URL");
    }
    const remote = url.split("#")[0];
    return { scheme, host: u.host, path: decodeURIComponent(u.pathname), remote };
  }
  const scp = SCP.exec(url);
  if (scp && !url.includes("://")) {
    return { scheme: "ssh", host: scp[2], path: scp[3].split("#")[0], remote: url.split("#")[0] };
  }
  return parseGitRemote(`https://${url}`);
}

/**
 * The `git://` source identifier: host and path, then `#ref[:subdir]`.
 *
 * @example
 * ```ts
 * import { gitIdentifier, parseGitRemote } from "./git_url.ts";
 * gitIdentifier(parseGitRemote("https://example.com/x.git"), "main", "docs"); // "git://example.com/x.git#main:docs"
 * ```
 */
export function gitIdentifier(remote: GitRemote, ref?: string, subdir?: string): string {
  let id = `git://${remote.host}${posix.join("/", remote.path)}`;
  if (ref || subdir) id += `#${ref ?? ""}`;
  if (subdir) id += `:${subdir}`;
  return id;
}
