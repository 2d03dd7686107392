/**
 * The `--ssh` flag, spelled as buildx spells it: `default` (forward
 * `$SSH_AUTH_SOCK`), `ID=/path/to/agent.sock`, or `ID=key[,key...]`.
 *
 * @module
 */
import { resolve } from "node:path";
import process from "node:process";
import { DrydockError } from "../core/errors.ts";

/** An ssh agent given on the command line, by id. Overrides the build.ts `ssh()` of that id. */
export interface SshSpec {
  readonly id: string;
  /** Empty: `$SSH_AUTH_SOCK`. One path that is a socket: that agent. Otherwise: key files. */
  readonly paths: readonly string[];
}

/**
 * Parses one `--ssh` value. Relative paths are made absolute against `cwd`,
 * the directory the command was typed in. Throws a {@link DrydockError}
 * (`E_FLAG`) naming the bad part.
 *
 * @example
 * ```ts
 * import { parseSshSpec } from "./ssh_spec.ts";
 * parseSshSpec("default"); // { id: "default", paths: [] }
 * parseSshSpec("deploy=./id_ed25519,/keys/id_rsa", "/home/me"); // paths: ["/home/me/id_ed25519", "/keys/id_rsa"]
 * ```
 */
export function parseSshSpec(spec: string, cwd: string = process.cwd()): SshSpec {
  const eq = spec.indexOf("=");
  const id = (eq < 0 ? spec : spec.slice(0, eq)).trim();
  const fail = (why: string): never => {
    throw new DrydockError("E_FLAG", `--ssh ${JSON.stringify(spec)}: ${why}`);
  };
  if (!id) fail("needs an id (default, or a name used by ssh() in build.ts)");
  if (/[\s,]/.test(id)) fail(`id "${id}" must not contain whitespace or ","`);
  if (eq < 0) return { id, paths: [] };
  const paths = spec.slice(eq + 1).split(",");
  if (paths.some((p) => p === "")) fail("paths must not be empty");
  return { id, paths: paths.map((p) => resolve(cwd, p)) };
}
