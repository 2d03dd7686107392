/**
 * Sources the engine fetches itself: git repositories and files over HTTP(S).
 *
 * @module
 */
import { z } from "zod";
import type { GitSource, HttpSource, SecretRef, SshRef } from "./graph.ts";
import { GitUrlError, parseGitRemote } from "./git_url.ts";
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
  // The engine probes the auth secrets and goes on without them, so they are optional uses.
  const secrets: SecretRef[] = [opts.authTokenSecret, opts.authHeaderSecret]
    .filter((s): s is Secret => typeof s === "object")
    .map((secret) => ({ secret, optional: true }));
  const sshAgents: SshRef[] = [];
  const ssh = remote.scheme === "ssh";
  if (ssh && typeof opts.sshSocket === "object") sshAgents.push({ agent: opts.sshSocket, optional: false });
  const node: GitSource = {
    kind: "source",
    type: "git",
    location,
    remote,
    ...(opts.ref ? { ref: opts.ref } : {}),
    ...(opts.subdir ? { subdir: opts.subdir } : {}),
    ...(opts.keepGitDir ? { keepGitDir: true } : {}),
    // The engine's default secret names, as Go's llb.Git writes them.
    authTokenSecret: idOf(opts.authTokenSecret) ?? "GIT_AUTH_TOKEN",
    authHeaderSecret: idOf(opts.authHeaderSecret) ?? "GIT_AUTH_HEADER",
    ...(ssh && opts.knownSshHosts ? { knownSshHosts: opts.knownSshHosts } : {}),
    ...(ssh ? { sshSocket: idOf(opts.sshSocket) ?? "default" } : {}),
    ...(opts.checksum ? { checksum: opts.checksum } : {}),
    ...(opts.skipSubmodules ? { skipSubmodules: true } : {}),
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
  const auth = opts.authHeaderSecret;
  // Go's llb leaves zero values out: chmod 0 or uid 0 mean "default".
  const node: HttpSource = {
    kind: "source",
    type: "http",
    location,
    url: u,
    ...(opts.checksum ? { checksum: opts.checksum } : {}),
    ...(opts.filename ? { filename: opts.filename } : {}),
    ...(opts.chmod ? { chmod: opts.chmod } : {}),
    ...(opts.chown?.uid ? { uid: opts.chown.uid } : {}),
    ...(opts.chown?.gid ? { gid: opts.chown.gid } : {}),
    ...(opts.headers && Object.keys(opts.headers).length ? { headers: opts.headers } : {}),
    ...(auth ? { authHeaderSecret: idOf(auth)! } : {}),
    // The engine fails the download when a named auth secret is missing.
    ...(typeof auth === "object" ? { secrets: [{ secret: auth, optional: false }] } : {}),
  };
  return stateOf(node);
}
