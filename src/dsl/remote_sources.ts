/**
 * Sources the engine fetches itself: git repositories and files over HTTP(S).
 *
 * @module
 */
import { z } from "zod";
import type { SecretRef, SourceNode, SshRef } from "./graph.ts";
import { gitIdentifier, GitUrlError, parseGitRemote } from "./git_url.ts";
import { callerLocation } from "../core/location.ts";
import { type GitOptions, type HttpOptions, sourceSchemas } from "./source_options.ts";
import { stateOf } from "./sources.ts";
import type { State } from "./state.ts";
import type { Secret, SshAgent } from "./secrets.ts";
import { validate } from "../core/validate.ts";

/**
 * A git repository at a ref, checked out by the engine. Credentials come from
 * session secrets named by `authTokenSecret`/`authHeaderSecret` (HTTP) or an
 * SSH agent socket (`sshSocket`), never from the URL.
 *
 * @example
 * ```ts
 * import { git, image } from "@drydock/core";
 * const docs = git("https://example.com/team/app.git", { ref: "v1.2.0", subdir: "docs" });
 * const site = image("busybox").copy(docs, ".", "/srv/docs");
 * ```
 */
export function git(url: string, options: GitOptions = {}): State {
  const location = callerLocation();
  const u = validate("git", "url", sourceSchemas.gitUrl, url, location);
  const opts = validate("git", "", sourceSchemas.git, options, location);
  let remote;
  try {
    remote = parseGitRemote(u);
  } catch (e) {
    if (!(e instanceof GitUrlError)) throw e;
    validate("git", "url", z.custom(() => false, `is not a git remote: ${e.message}`), u, location);
    throw e;
  }
  // Credentials in the URL would end up in the LLB, the cache and progress.
  if (remote.scheme.startsWith("http") && hasCredentials(remote.remote)) {
    validate(
      "git",
      "url",
      z.custom(() => false, "must not carry credentials; use authTokenSecret or authHeaderSecret"),
      u,
      location,
    );
  }
  // Attrs as Go's llb.Git writes them, so identical remotes share cache keys with buildx.
  const attrs: Record<string, string> = {};
  if (opts.keepGitDir) attrs["git.keepgitdir"] = "true";
  attrs["git.fullurl"] = remote.remote;
  attrs["git.authtokensecret"] = idOf(opts.authTokenSecret) ?? "GIT_AUTH_TOKEN";
  attrs["git.authheadersecret"] = idOf(opts.authHeaderSecret) ?? "GIT_AUTH_HEADER";
  // The engine probes these secrets and goes on without them, so they are optional uses.
  const secrets: SecretRef[] = [opts.authTokenSecret, opts.authHeaderSecret]
    .filter((s): s is Secret => typeof s === "object")
    .map((secret) => ({ secret, optional: true }));
  const sshAgents: SshRef[] = [];
  if (remote.scheme === "ssh") {
    if (opts.knownSshHosts) attrs["git.knownsshhosts"] = opts.knownSshHosts.replace(/\n$/, "") + "\n";
    attrs["git.mountsshsock"] = idOf(opts.sshSocket) ?? "default";
    if (typeof opts.sshSocket === "object") sshAgents.push({ agent: opts.sshSocket, optional: false });
  }
  if (opts.checksum) attrs["git.checksum"] = opts.checksum;
  if (opts.skipSubmodules) attrs["git.skipsubmodules"] = "true";
  const node: SourceNode = {
    kind: "source",
    location,
    identifier: gitIdentifier(remote, opts.ref, opts.subdir),
    attrs,
    ...(secrets.length ? { secrets } : {}),
    ...(sshAgents.length ? { sshAgents } : {}),
  };
  return stateOf(node);
}

function hasCredentials(url: string): boolean {
  const u = new URL(url);
  return u.username !== "" || u.password !== "";
}

function idOf(v: string | Secret | SshAgent | undefined): string | undefined {
  return typeof v === "object" ? v.id : v;
}

/**
 * A file downloaded by the engine, as the only file of a new filesystem
 * (`/<filename>`).
 *
 * @example
 * ```ts
 * import { http, image } from "@drydock/core";
 * const tool = http("https://example.com/tool.tar.gz", {
 *   checksum: "sha256:0000000000000000000000000000000000000000000000000000000000000000",
 *   chmod: 0o755,
 * });
 * const s = image("busybox").copy(tool, "tool.tar.gz", "/opt/");
 * ```
 */
export function http(url: string, options: HttpOptions = {}): State {
  const location = callerLocation();
  const u = validate("http", "url", sourceSchemas.httpUrl, url, location);
  const opts = validate("http", "", sourceSchemas.http, options, location);
  // Go's llb leaves zero values out: chmod 0 or uid 0 mean "default".
  const attrs: Record<string, string> = {};
  if (opts.checksum) attrs["http.checksum"] = opts.checksum;
  if (opts.filename) attrs["http.filename"] = opts.filename;
  if (opts.chmod) attrs["http.perm"] = "0" + opts.chmod.toString(8);
  if (opts.chown?.uid) attrs["http.uid"] = String(opts.chown.uid);
  if (opts.chown?.gid) attrs["http.gid"] = String(opts.chown.gid);
  for (const [name, value] of Object.entries(opts.headers ?? {})) attrs[`http.header.${name}`] = value;
  const auth = opts.authHeaderSecret;
  if (auth) attrs["http.authheadersecret"] = idOf(auth)!;
  const node: SourceNode = {
    kind: "source",
    location,
    identifier: u,
    attrs,
    // The engine fails the download when a named auth secret is missing.
    ...(typeof auth === "object" ? { secrets: [{ secret: auth, optional: false }] } : {}),
  };
  return stateOf(node);
}
