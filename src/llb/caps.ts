/**
 * LLB capability IDs our ops can require. The engine checks every cap listed in
 * an op's metadata when it loads the definition, so an unsupported feature fails
 * up front with a named reason instead of being silently ignored.
 *
 * @module
 */

/** Cap IDs, exactly as BuildKit spells them. */
export const Cap = {
  sourceImage: "source.image",
  sourceLocal: "source.local",
  sourceLocalUnique: "source.local.unique",
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
  fileBase: "file.base",
  fileRmWildcard: "file.rm.wildcard",
  fileCopyIncludeExcludePatterns: "file.copy.includeexcludepatterns",
  constraints: "constraints",
  platform: "platform",
  metaIgnoreCache: "meta.ignorecache",
  metaDescription: "meta.description",
} as const;

/** One of {@link Cap}. */
export type CapID = typeof Cap[keyof typeof Cap];
