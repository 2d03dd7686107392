/**
 * The `--ssh` flag, spelled as buildx spells it: `default` (forward
 * `$SSH_AUTH_SOCK`), `ID=/path/to/agent.sock`, or `ID=key[,key...]`.
 *
 * @module
 */
import { splitCsv } from "../core/csv.ts";
import { fromWorkingDir } from "./secret_flag.ts";
import { SpecError } from "./spec_parse.ts";

/** An ssh agent given on the command line, by id. Overrides the build.ts `ssh()` of that id. */
export interface SshSpec {
  /** The id build.ts's `ssh()` and the engine use. */
  readonly id: string;
  /** Empty: `$SSH_AUTH_SOCK`. One path that is a socket: that agent. Otherwise: key files. */
  readonly paths: readonly string[];
}

/**
 * Parses one `--ssh` value. Relative paths are made absolute against `cwd`,
 * the directory the command was typed in. Throws a {@link SpecError}
 * (`E_SPEC`) naming the bad part.
 *
 * @example
 * ```ts
 * import { parseSshSpec } from "@drydock/core/spec";
 * parseSshSpec("default"); // { id: "default", paths: [] }
 * parseSshSpec("deploy=./id_ed25519,/keys/id_rsa", "/home/me"); // paths: ["/home/me/id_ed25519", "/keys/id_rsa"]
 * ```
 */
export function parseSshSpec(spec: string, cwd?: string): SshSpec {
  const eq = spec.indexOf("=");
  const id = (eq < 0 ? spec : spec.slice(0, eq)).trim();
  const fail = (why: string): never => {
    throw new SpecError(`--ssh ${JSON.stringify(spec)}: ${why}`);
  };
  if (!id) fail("needs an id (default, or a name used by ssh() in build.ts)");
  if (/[\s,]/.test(id)) fail(`id "${id}" must not contain whitespace or ","`);
  if (eq < 0) return { id, paths: [] };
  const paths = splitCsv(spec.slice(eq + 1), fail);
  if (paths.some((p) => p === "")) fail("paths must not be empty");
  return { id, paths: paths.map((p) => fromWorkingDir(p, cwd)) };
}
