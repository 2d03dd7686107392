/**
 * Lowering of source nodes: the SourceOp, the caps it needs (as Go's llb lists
 * them) and the local-directory bookkeeping.
 *
 * @module
 */
import type { SourceNode } from "../dsl/graph.ts";
import { goJson } from "../core/go_json.ts";
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
 * import type { SourceNode } from "../dsl/graph.ts";
 * import { sourceOp } from "./source_op.ts";
 * import type { CapID } from "./caps.ts";
 * const caps = new Set<CapID>();
 * const op = sourceOp(stateData(image("busybox")).output!.op as SourceNode, {}, caps);
 * op.source!.identifier; // "docker-image://docker.io/library/busybox:latest"
 * ```
 */
export function sourceOp(node: SourceNode, ctx: SourceLoweringContext, caps: Set<CapID>): pb.Op {
  const attrs: Record<string, string> = { ...node.attrs };
  const scheme = node.identifier.slice(0, node.identifier.indexOf("://"));
  switch (scheme) {
    case "docker-image":
      caps.add(Cap.sourceImage);
      // Go requires the cap only for the security-relevant "pull".
      if (attrs["image.resolvemode"] === "pull") caps.add(Cap.sourceImageResolveMode);
      if (attrs["image.checksum"]) caps.add(Cap.sourceImageChecksum);
      break;
    case "local":
      localAttrs(node, attrs, ctx, caps);
      break;
    case "git":
      caps.add(Cap.sourceGit);
      if (attrs["git.keepgitdir"]) caps.add(Cap.sourceGitKeepDir);
      if (attrs["git.fullurl"]) caps.add(Cap.sourceGitFullUrl);
      if (
        (attrs["git.authtokensecret"] ?? "GIT_AUTH_TOKEN") !== "GIT_AUTH_TOKEN" ||
        (attrs["git.authheadersecret"] ?? "GIT_AUTH_HEADER") !== "GIT_AUTH_HEADER"
      ) caps.add(Cap.sourceGitHttpAuth);
      if (attrs["git.mountsshsock"]) {
        caps.add(Cap.sourceGitKnownSshHosts);
        caps.add(Cap.sourceGitMountSshSock);
      }
      if (/#[^#]*:/.test(node.identifier)) caps.add(Cap.sourceGitSubdir);
      if (attrs["git.checksum"]) caps.add(Cap.sourceGitChecksum);
      if (attrs["git.skipsubmodules"]) caps.add(Cap.sourceGitSkipSubmodules);
      break;
    case "http":
    case "https":
      caps.add(Cap.sourceHttp);
      if (attrs["http.checksum"]) caps.add(Cap.sourceHttpChecksum);
      if (attrs["http.perm"]) caps.add(Cap.sourceHttpPerm);
      if (attrs["http.uid"] || attrs["http.gid"]) caps.add(Cap.sourceHttpUidGid);
      if (attrs["http.authheadersecret"]) caps.add(Cap.sourceHttpAuth);
      if (Object.keys(attrs).some((k) => k.startsWith("http.header."))) caps.add(Cap.sourceHttpHeader);
      break;
  }
  const op: pb.Op = { source: { identifier: node.identifier, attrs } };
  // Only image sources are platform-specific; Go clears the platform of the others.
  if (node.platform && scheme === "docker-image") op.platform = platformOf(node.platform);
  return op;
}

/**
 * The key of a local source's `.dockerignore` patterns in `localExcludes`: its directory,
 * or its directory and ignore files when it reads others (a Dockerfile's own).
 *
 * @example
 * ```ts
 * import { localExcludesKey } from "./source_op.ts";
 * localExcludesKey({ kind: "source", location: undefined, identifier: "local://.", attrs: {}, localDir: "/ctx" }); // "/ctx"
 * ```
 */
export function localExcludesKey(node: SourceNode): string {
  const dir = node.localDir ?? "";
  return node.dockerignoreFiles ? [dir, ...node.dockerignoreFiles].join("\n") : dir;
}

function localAttrs(
  node: SourceNode,
  attrs: Record<string, string>,
  ctx: SourceLoweringContext,
  caps: Set<CapID>,
): void {
  caps.add(Cap.sourceLocal);
  const ignored = node.dockerignore && node.localDir
    ? ctx.localExcludes?.get(localExcludesKey(node))
    : undefined;
  if (ignored?.length) {
    const own: string[] = attrs["local.excludepatterns"] ? JSON.parse(attrs["local.excludepatterns"]) : [];
    attrs["local.excludepatterns"] = goJson([...ignored, ...own]);
  }
  if (attrs["local.includepattern"]) caps.add(Cap.sourceLocalIncludePatterns);
  if (attrs["local.excludepatterns"]) caps.add(Cap.sourceLocalExcludePatterns);
  if (attrs["local.followpaths"]) caps.add(Cap.sourceLocalFollowPaths);
  if (attrs["local.sharedkeyhint"]) caps.add(Cap.sourceLocalSharedKeyHint);
  if (attrs["local.metadatatransfer"]) caps.add(Cap.sourceLocalMetadataTransfer);
  if (ctx.localUniqueKey) {
    attrs["local.unique"] = digestOf(new TextEncoder().encode(`${ctx.localUniqueKey}\n${node.localDir}`))
      .slice(7, 39);
    caps.add(Cap.sourceLocalUnique);
  }
}
