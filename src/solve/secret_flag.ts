/**
 * The `--secret` flag, spelled as buildx spells it:
 * `id=npm_token,src=./token.txt`, `id=npm_token,env=NPM_TOKEN`,
 * `type=env,id=TOKEN`, or a bare `id=TOKEN` (env var TOKEN if set, else file TOKEN).
 *
 * @module
 */
import { resolve } from "node:path";
import { splitCsv } from "../core/csv.ts";
import { SpecError } from "./spec_parse.ts";

/** A secret given on the command line, by id. Overrides the build.ts source of that id. */
export interface SecretSpec {
  /** The id build.ts's `secret()` and the engine use. */
  readonly id: string;
  /** `undefined`: buildx's default, env var `id` if set, else file `id`. */
  readonly source: { readonly env: string } | { readonly file: string } | undefined;
}

/**
 * Parses one `--secret` value. A relative `src` is made absolute against
 * `cwd`, the directory the command was typed in, as buildx reads it. Throws a
 * {@link SpecError} (`E_SPEC`) naming the bad part.
 *
 * @example
 * ```ts
 * import { parseSecretSpec } from "@drydock/core/spec";
 * parseSecretSpec("id=npm,src=./npm.txt", "/home/me"); // { id: "npm", source: { file: "/home/me/npm.txt" } }
 * parseSecretSpec("id=npm,env=NPM_TOKEN", "/home/me"); // { id: "npm", source: { env: "NPM_TOKEN" } }
 * ```
 */
export function parseSecretSpec(spec: string, cwd?: string): SecretSpec {
  const fail = (why: string): never => {
    throw new SpecError(`--secret ${JSON.stringify(spec)}: ${why}`);
  };
  let id: string | undefined, file: string | undefined, env: string | undefined, type: string | undefined;
  for (const field of splitCsv(spec, fail)) {
    const eq = field.indexOf("=");
    if (eq < 0) fail(`"${field}" must be a key=value pair (id=..., src=... or env=...)`);
    const key = field.slice(0, eq).trim().toLowerCase();
    const value = field.slice(eq + 1);
    switch (key) {
      case "type":
        if (value !== "file" && value !== "env") fail(`unsupported type "${value}" (file or env)`);
        type = value;
        break;
      case "id":
        id = value;
        break;
      case "src":
      case "source":
        file = value;
        break;
      case "env":
        env = value;
        break;
      default:
        fail(`unknown key "${key}" (id, src, env or type)`);
    }
  }
  if (!id) fail("needs id=NAME");
  // As secret() in build.ts: an id with these could never be asked for by a mount.
  if (/[\s,=]/.test(id!)) fail(`id "${id}" must not contain whitespace, "," or "="`);
  // buildx: with type=env, src names the variable.
  if (type === "env" && env === undefined && file !== undefined) [env, file] = [file, undefined];
  if (env !== undefined && file !== undefined) fail("give src= or env=, not both");
  if (env === "" || file === "") fail(`${env === "" ? "env" : "src"}= must not be empty`);
  if (type === "env" && env === undefined) env = id;
  const source = env !== undefined
    ? { env }
    : file !== undefined
    ? { file: fromWorkingDir(file, cwd) }
    : undefined;
  return { id: id!, source };
}

/**
 * `path` made absolute against `cwd`, the directory the command was typed in. Without one (a library caller
 * parsing a flag itself), Node's `resolve()` takes the process's working directory, as buildx does.
 *
 * @example
 * ```ts
 * import { fromWorkingDir } from "./secret_flag.ts";
 * fromWorkingDir("./key", "/home/me"); // "/home/me/key"
 * ```
 */
export function fromWorkingDir(path: string, cwd: string | undefined): string {
  return cwd === undefined ? resolve(path) : resolve(cwd, path);
}
