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
  execMountBind: "exec.mount.bind",
  execMountSelector: "exec.mount.selector",
  fileBase: "file.base",
  constraints: "constraints",
  platform: "platform",
  metaDescription: "meta.description",
} as const;

/** One of {@link Cap}. */
export type CapID = typeof Cap[keyof typeof Cap];
