/**
 * Parsers of the command-line specs buildx and `docker build` take
 * (`--output`, `--cache-to`, `--cache-from`, `--secret`, `--ssh`), a reader of
 * `.dockerignore` files, and buildx's `--metadata-file` contents, for tools
 * that wrap drydock with their own command line.
 *
 * @example
 * ```ts
 * import { parseOutputSpec } from "@drydock/core/spec";
 * parseOutputSpec("type=local,dest=out"); // { type: "local", dest: "out" }
 * ```
 *
 * @module
 */
export {
  parseCacheExportSpec,
  parseCacheImportSpec,
  parseOutputSpec,
  SpecError,
} from "./src/solve/spec_parse.ts";
export { parseSecretSpec } from "./src/solve/secret_flag.ts";
export type { SecretSpec } from "./src/solve/secret_flag.ts";
export { parseSshSpec } from "./src/solve/ssh_flag.ts";
export type { SshSpec } from "./src/solve/ssh_flag.ts";
export { buildMetadata, writeMetadataFile } from "./src/solve/metadata.ts";
export type { MetadataSource } from "./src/solve/metadata.ts";
export { parseDockerignore, readDockerignore } from "./src/fs/dockerignore.ts";
export { Pattern, PatternMatcher } from "./src/fs/patterns.ts";
export type { ParentMatch } from "./src/fs/patterns.ts";
export { PatternError } from "./src/fs/pattern_error.ts";
