/**
 * LLB capability IDs our ops can require. The engine checks every cap listed in
 * an op's metadata when it loads the definition, so an unsupported feature fails
 * up front with a named reason instead of being silently ignored.
 *
 * @module
 */

/** Cap IDs, exactly as BuildKit spells them (misspellings included). */
export const Cap = {
  sourceImage: "source.image",
  sourceImageResolveMode: "source.image.resolvemode",
  sourceImageChecksum: "source.image.checksum",
  sourceLocal: "source.local",
  sourceLocalUnique: "source.local.unique",
  sourceLocalIncludePatterns: "source.local.includepatterns",
  sourceLocalExcludePatterns: "source.local.excludepatterns",
  sourceLocalFollowPaths: "source.local.followpaths",
  sourceLocalSharedKeyHint: "source.local.sharedkeyhint",
  sourceLocalMetadataTransfer: "source.local.metadatatransfer",
  sourceGit: "source.git",
  sourceGitKeepDir: "source.git.keepgitdir",
  sourceGitFullUrl: "source.git.fullurl",
  sourceGitHttpAuth: "source.git.httpauth",
  sourceGitKnownSshHosts: "source.git.knownsshhosts",
  sourceGitMountSshSock: "source.git.mountsshsock",
  sourceGitSubdir: "source.git.subdir",
  sourceGitChecksum: "source.git.checksum",
  sourceGitSkipSubmodules: "source.git.skipsubmodules",
  sourceHttp: "source.http",
  sourceHttpChecksum: "source.http.checksum",
  sourceHttpPerm: "source.http.perm",
  // BuildKit's own spelling.
  sourceHttpUidGid: "soruce.http.uidgid",
  sourceHttpHeader: "source.http.header",
  sourceHttpAuth: "source.http.auth",
  execMetaBase: "exec.meta.base",
  execMetaCgroupParent: "exec.meta.cgroup.parent",
  execMetaNetwork: "exec.meta.network",
  execMetaProxy: "exec.meta.proxyenv",
  execMetaSecurity: "exec.meta.security",
  execMetaUlimit: "exec.meta.ulimit",
  execMountBind: "exec.mount.bind",
  execMountCache: "exec.mount.cache",
  execMountCacheSharing: "exec.mount.cache.sharing",
  execMountSelector: "exec.mount.selector",
  execMountTmpfs: "exec.mount.tmpfs",
  execMountTmpfsSize: "exec.mount.tmpfs.size",
  execMountSecret: "exec.mount.secret",
  execMountSsh: "exec.mount.ssh",
  execSecretEnv: "exec.secretenv",
  execValidExitCode: "exec.validexitcode",
  execMetaCdi: "exec.meta.cdi",
  fileBase: "file.base",
  mergeOp: "mergeop",
  diffOp: "diffop",
  fileRmWildcard: "file.rm.wildcard",
  fileCopyIncludeExcludePatterns: "file.copy.includeexcludepatterns",
  fileCopyRequiredPaths: "file.copy.requiredpaths",
  fileCopyAlwaysReplaceExistingDestPaths: "file.copy.alwaysreplaceexistingdestpaths",
  fileCopyModeString: "file.copy.modestring",
  fileSymlinkCreate: "file.symlink.create",
  constraints: "constraints",
  platform: "platform",
  metaIgnoreCache: "meta.ignorecache",
  metaDescription: "meta.description",
} as const;

/** One of {@link Cap}. */
export type CapID = typeof Cap[keyof typeof Cap];

/** Gateway (frontend API) caps we depend on. */
export const GatewayCap = {
  frontendInputs: "frontend.inputs",
  refArray: "proto.refarray",
} as const;

/**
 * The DSL feature that needs a cap, for error messages. Caps not listed here are
 * named by their ID.
 */
export const CAP_FEATURES: Readonly<Record<string, string>> = {
  [Cap.sourceImageResolveMode]: 'image({ resolveMode: "pull" })',
  [Cap.sourceImageChecksum]: "image({ checksum })",
  [Cap.sourceLocalMetadataTransfer]: "local({ metadataOnly })",
  [Cap.sourceGitChecksum]: "git({ checksum })",
  [Cap.sourceGitSkipSubmodules]: "git({ skipSubmodules })",
  [Cap.sourceHttpHeader]: "http({ headers })",
  [Cap.sourceHttpAuth]: "http({ authHeaderSecret })",
  [Cap.execValidExitCode]: "run({ validExitCodes })",
  [Cap.execMetaCdi]: "run({ devices })",
  [Cap.fileCopyRequiredPaths]: "copy({ requiredPaths })",
  [Cap.fileCopyAlwaysReplaceExistingDestPaths]: "copy({ alwaysReplaceExistingDestPaths })",
  [Cap.fileCopyModeString]: 'copy({ chmod: "u+x" }) (a symbolic mode)',
  [Cap.fileSymlinkCreate]: "symlink()",
  [Cap.sourceLocalIncludePatterns]: "local({ include })",
  [Cap.sourceLocalExcludePatterns]: "local({ exclude }) or .dockerignore",
  [Cap.sourceLocalFollowPaths]: "local({ followPaths })",
  [Cap.sourceLocalSharedKeyHint]: "local({ sharedKeyHint })",
  [Cap.sourceGit]: "git()",
  [Cap.sourceGitKeepDir]: "git({ keepGitDir })",
  [Cap.sourceGitFullUrl]: "git()",
  [Cap.sourceGitHttpAuth]: "git({ authTokenSecret / authHeaderSecret })",
  [Cap.sourceGitKnownSshHosts]: "git() over SSH",
  [Cap.sourceGitMountSshSock]: "git() over SSH",
  [Cap.sourceGitSubdir]: "git({ subdir })",
  [Cap.sourceHttp]: "http()",
  [Cap.sourceHttpChecksum]: "http({ checksum })",
  [Cap.sourceHttpPerm]: "http({ chmod })",
  [Cap.sourceHttpUidGid]: "http({ chown })",
  [Cap.execMetaBase]: "run()",
  [Cap.execMetaCgroupParent]: "cgroupParent()",
  [Cap.execMetaNetwork]: "network()",
  [Cap.execMetaProxy]: "proxy()",
  [Cap.execMetaSecurity]: "security()",
  [Cap.execMetaUlimit]: "ulimit()",
  [Cap.execMountBind]: "run()",
  [Cap.execMountCache]: "a cache() mount",
  [Cap.execMountCacheSharing]: "a cache() mount's sharing",
  [Cap.execMountSelector]: "a mount of a subpath",
  [Cap.execMountTmpfs]: "a tmpfs() mount",
  [Cap.execMountTmpfsSize]: "a tmpfs() mount's size",
  [Cap.execMountSecret]: "a secret mount",
  [Cap.execMountSsh]: "an ssh mount",
  [Cap.execSecretEnv]: "a secret as an environment variable",
  [Cap.fileBase]: "a file operation",
  [Cap.fileRmWildcard]: "rm({ allowWildcard })",
  [Cap.fileCopyIncludeExcludePatterns]: "copy({ include / exclude })",
  [Cap.metaIgnoreCache]: "run({ ignoreCache })",
  [Cap.mergeOp]: "merge()",
  [Cap.diffOp]: "diff()",
  [GatewayCap.frontendInputs]: "dockerfile()",
};
