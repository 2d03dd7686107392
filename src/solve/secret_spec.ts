/**
 * The `--secret` flag, spelled as buildx spells it:
 * `id=npm_token,src=./token.txt`, `id=npm_token,env=NPM_TOKEN`,
 * `type=env,id=TOKEN`, or a bare `id=TOKEN` (env var TOKEN if set, else file TOKEN).
 *
 * @module
 */
import { resolve } from "node:path";
import process from "node:process";
import { DrydockError } from "../core/errors.ts";

/** A secret given on the command line, by id. Overrides the build.ts source of that id. */
export interface SecretSpec {
  readonly id: string;
  /** `undefined`: buildx's default, env var `id` if set, else file `id`. */
  readonly source: { readonly env: string } | { readonly file: string } | undefined;
}

/**
 * Parses one `--secret` value. A relative `src` is made absolute against
 * `cwd`, the directory the command was typed in, as buildx reads it. Throws a
 * {@link DrydockError} (`E_FLAG`) naming the bad part.
 *
 * @example
 * ```ts
 * import { parseSecretSpec } from "./secret_spec.ts";
 * parseSecretSpec("id=npm,src=./npm.txt", "/home/me"); // { id: "npm", source: { file: "/home/me/npm.txt" } }
 * parseSecretSpec("id=npm,env=NPM_TOKEN"); // { id: "npm", source: { env: "NPM_TOKEN" } }
 * ```
 */
export function parseSecretSpec(spec: string, cwd: string = process.cwd()): SecretSpec {
  const fail = (why: string): never => {
    throw new DrydockError("E_FLAG", `--secret ${JSON.stringify(spec)}: ${why}`);
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
  const source = env !== undefined ? { env } : file !== undefined ? { file: resolve(cwd, file) } : undefined;
  return { id: id!, source };
}

// Go's encoding/csv on one line: commas split fields, double quotes protect commas and `""` is a quote.
function splitCsv(line: string, fail: (why: string) => never): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = "";
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) fail("unterminated quote");
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      if (i < line.length && line[i] !== ",") fail("unexpected text after a closing quote");
    } else {
      const end = line.indexOf(",", i);
      field = line.slice(i, end < 0 ? line.length : end);
      i = end < 0 ? line.length : end;
    }
    out.push(field);
    if (i >= line.length) return out;
    i++; // the comma
  }
}
