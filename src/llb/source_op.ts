/**
 * Lowering of source nodes: the SourceOp, the caps it needs (as Go's llb lists
 * them) and the local-directory bookkeeping.
 *
 * @module
 */
import type { GitSource, HttpSource, ImageSource, LocalSource, SourceNode } from "../dsl/graph.ts";
import { gitIdentifier } from "../dsl/git_url.ts";
import { goJson } from "./go_json.ts";
import type * as pb from "../proto/pb.gen.ts";
import { Cap, type CapID } from "./caps.ts";
import { digestOf } from "./digest.ts";
import { platformOf } from "./inputs.ts";

/** What the source lowering needs from the marshal run. */
export interface SourceLoweringContext {
  /** See `MarshalOptions.localUniqueKey`. */
  readonly localUniqueKey?: string;
  /** `.dockerignore` patterns by local directory, read by the solve layer. */
  readonly localExcludes?: ReadonlyMap<string, readonly string[]>;
}

/**
 * The SourceOp for `node`, adding the caps it needs to `caps`.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { stateData } from "../dsl/state.ts";
 * import type { GitSource, HttpSource, ImageSource, LocalSource, SourceNode } from "../dsl/graph.ts";
import { gitIdentifier } from "../dsl/git_url.ts";
 * import { sourceOp } from "./source_op.ts";
 * import type { CapID } from "./caps.ts";
 * const caps = new Set<CapID>();
 * const op = sourceOp(stateData(image("busybox")).output!.op as SourceNode, {}, caps);
 * op.source!.identifier; // "docker-image://docker.io/library/busybox:latest"
 * ```
 */
export function sourceOp(node: SourceNode, ctx: SourceLoweringContext, caps: Set<CapID>): pb.Op {
  switch (node.type) {
    case "image":
      // Only image sources are platform-specific; Go clears the platform of the others.
      return {
        ...sourceOf(`docker-image://${node.ref}`, imageAttrs(node, caps)),
        platform: platformOf(node.platform),
      };
    case "local":
      return sourceOf(`local://${node.sessionName}`, localAttrs(node, ctx, caps));
    case "git":
      return sourceOf(gitIdentifier(node.remote, node.ref, node.subdir), gitAttrs(node, caps));
    case "http":
      return sourceOf(node.url, httpAttrs(node, caps));
  }
}

/**
 * The key of a local source's `.dockerignore` patterns in `localExcludes`: its directory,
 * or its directory and ignore files when it reads others (a Dockerfile's own).
 *
 * @example
 * ```ts
 * import { localExcludesKey } from "./source_op.ts";
 * localExcludesKey({ dir: "/ctx" }); // "/ctx"
 * ```
 */
export function localExcludesKey(node: Pick<LocalSource, "dir" | "dockerignoreFiles">): string {
  return node.dockerignoreFiles ? [node.dir, ...node.dockerignoreFiles].join("\n") : node.dir;
}

function sourceOf(identifier: string, attrs: Record<string, string>): pb.Op {
  return { source: { identifier, attrs } };
}

// Attrs as Go's llb writes them: the mode only when it is not the default.
function imageAttrs(node: ImageSource, caps: Set<CapID>): Record<string, string> {
  caps.add(Cap.sourceImage);
  const attrs: Record<string, string> = {};
  if (node.resolveMode) {
    attrs["image.resolvemode"] = node.resolveMode;
    // Go requires the cap only for the security-relevant "pull".
    if (node.resolveMode === "pull") caps.add(Cap.sourceImageResolveMode);
  }
  if (node.checksum) {
    attrs["image.checksum"] = node.checksum;
    caps.add(Cap.sourceImageChecksum);
  }
  return attrs;
}

// Patterns go as JSON arrays, as Go's llb writes them; .dockerignore's come before local()'s own excludes.
function localAttrs(node: LocalSource, ctx: SourceLoweringContext, caps: Set<CapID>): Record<string, string> {
  caps.add(Cap.sourceLocal);
  const attrs: Record<string, string> = {};
  const ignored = node.dockerignore ? ctx.localExcludes?.get(localExcludesKey(node)) ?? [] : [];
  const exclude = [...ignored, ...node.exclude ?? []];
  if (node.include?.length) {
    attrs["local.includepattern"] = goJson(node.include);
    caps.add(Cap.sourceLocalIncludePatterns);
  }
  if (exclude.length) {
    attrs["local.excludepatterns"] = goJson(exclude);
    caps.add(Cap.sourceLocalExcludePatterns);
  }
  if (node.followPaths?.length) {
    attrs["local.followpaths"] = goJson(node.followPaths);
    caps.add(Cap.sourceLocalFollowPaths);
  }
  if (node.sharedKeyHint) {
    attrs["local.sharedkeyhint"] = node.sharedKeyHint;
    caps.add(Cap.sourceLocalSharedKeyHint);
  }
  if (node.metadataOnly) {
    attrs["local.metadatatransfer"] = "true";
    if (node.metadataOnly.except.length) {
      attrs["local.metadatatransferexclude"] = goJson(node.metadataOnly.except);
    }
    caps.add(Cap.sourceLocalMetadataTransfer);
  }
  if (ctx.localUniqueKey) {
    attrs["local.unique"] = digestOf(new TextEncoder().encode(`${ctx.localUniqueKey}\n${node.dir}`)).slice(
      7,
      39,
    );
    caps.add(Cap.sourceLocalUnique);
  }
  return attrs;
}

// Attrs as Go's llb.Git writes them, so identical remotes share cache keys with buildx.
function gitAttrs(node: GitSource, caps: Set<CapID>): Record<string, string> {
  caps.add(Cap.sourceGit);
  const attrs: Record<string, string> = {};
  if (node.keepGitDir) {
    attrs["git.keepgitdir"] = "true";
    caps.add(Cap.sourceGitKeepDir);
  }
  attrs["git.fullurl"] = node.remote.remote;
  caps.add(Cap.sourceGitFullUrl);
  attrs["git.authtokensecret"] = node.authTokenSecret;
  attrs["git.authheadersecret"] = node.authHeaderSecret;
  if (node.authTokenSecret !== "GIT_AUTH_TOKEN" || node.authHeaderSecret !== "GIT_AUTH_HEADER") {
    caps.add(Cap.sourceGitHttpAuth);
  }
  if (node.sshSocket !== undefined) {
    if (node.knownSshHosts) attrs["git.knownsshhosts"] = node.knownSshHosts.replace(/\n$/, "") + "\n";
    attrs["git.mountsshsock"] = node.sshSocket;
    caps.add(Cap.sourceGitKnownSshHosts);
    caps.add(Cap.sourceGitMountSshSock);
  }
  if (node.subdir) caps.add(Cap.sourceGitSubdir);
  if (node.checksum) {
    attrs["git.checksum"] = node.checksum;
    caps.add(Cap.sourceGitChecksum);
  }
  if (node.skipSubmodules) {
    attrs["git.skipsubmodules"] = "true";
    caps.add(Cap.sourceGitSkipSubmodules);
  }
  return attrs;
}

// Go's llb leaves zero values out: chmod 0 or uid 0 mean "default".
function httpAttrs(node: HttpSource, caps: Set<CapID>): Record<string, string> {
  caps.add(Cap.sourceHttp);
  const attrs: Record<string, string> = {};
  if (node.checksum) {
    attrs["http.checksum"] = node.checksum;
    caps.add(Cap.sourceHttpChecksum);
  }
  if (node.filename) attrs["http.filename"] = node.filename;
  if (node.chmod) {
    attrs["http.perm"] = "0" + node.chmod.toString(8);
    caps.add(Cap.sourceHttpPerm);
  }
  if (node.uid) attrs["http.uid"] = String(node.uid);
  if (node.gid) attrs["http.gid"] = String(node.gid);
  if (node.uid || node.gid) caps.add(Cap.sourceHttpUidGid);
  const headers = Object.entries(node.headers ?? {}).filter(([, v]) => v !== undefined);
  for (const [name, value] of headers) attrs[`http.header.${name}`] = value;
  if (headers.length) caps.add(Cap.sourceHttpHeader);
  if (node.authHeaderSecret) {
    attrs["http.authheadersecret"] = node.authHeaderSecret;
    caps.add(Cap.sourceHttpAuth);
  }
  return attrs;
}
