/**
 * Turns the secrets a graph uses (and `--secret` overrides) into the values the
 * session serves. Everything is read before the solve starts, so a required
 * secret that is missing fails first, naming it and the build.ts lines.
 *
 * @module
 */
import { readFile, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { DrydockError } from "../core/errors.ts";
import { type SourceLocation, usedAtText } from "../core/location.ts";
import type { SecretSource } from "../dsl/secrets.ts";
import type { SecretUse } from "../llb/uses.ts";
import type { SecretSpec } from "./secret_flag.ts";

/** BuildKit's client refuses bigger secret files; so do we, for every source. */
export const MAX_SECRET_BYTES = 500 * 1024;

/**
 * A secret the build needs cannot be read. Names the secret and, in
 * `location`, the build.ts call that uses it; never its contents.
 *
 * @example
 * ```ts
 * import { SecretUnavailableError } from "@drydock/core";
 * const err = new SecretUnavailableError("npm", 'environment variable "NPM_TOKEN" is not set', undefined, []);
 * err.code; // "E_SECRET"
 * ```
 */
export class SecretUnavailableError extends DrydockError {
  /** The class name, shown before the message in stack traces. */
  override name = "SecretUnavailableError";
  /**
   * Thrown before the solve; the message says where the secret is used.
   *
   * @param id The secret's id.
   * @param reason Why it cannot be read, e.g. `environment variable "NPM_TOKEN" is not set`.
   * @param location The first build.ts call that uses the secret (or declares it).
   * @param usedAt Every build.ts call that uses it.
   */
  constructor(
    readonly id: string,
    readonly reason: string,
    readonly location: SourceLocation | undefined,
    readonly usedAt: readonly SourceLocation[],
  ) {
    super("E_SECRET", (cwd) => `secret "${id}"${usedAtText(usedAt, cwd)}: ${reason}`);
  }
}

/** Options of {@link resolveSecrets}. */
export interface ResolveSecretsOptions {
  /** `--secret` values; they override build.ts sources by id and add ids. */
  readonly overrides?: readonly SecretSpec[];
  /** Environment for `{ env }` sources. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Base of relative `--secret src=` paths. */
  readonly cwd: string;
}

type Resolvable = { source: SecretSource | undefined; base: string; fromFlag: boolean };

/**
 * Reads every secret value. Optional secrets that cannot be read are left out
 * (the engine then skips their mounts); required ones throw
 * {@link SecretUnavailableError}.
 *
 * @example
 * ```ts
 * import process from "node:process";
 * import { image, secret } from "@drydock/core";
 * import { marshal } from "../llb/marshal.ts";
 * import { resolveSecrets } from "./secret_resolution.ts";
 * const token = secret("token", { env: "TOKEN" });
 * const { secrets } = marshal(image("busybox").run("true", { secrets: { TOKEN: token } }));
 * const values = await resolveSecrets(secrets, { env: { TOKEN: "s3cr3t" }, cwd: process.cwd() });
 * ```
 */
export async function resolveSecrets(
  uses: ReadonlyMap<string, SecretUse>,
  options: ResolveSecretsOptions,
): Promise<Map<string, Uint8Array>> {
  const wanted = new Map<string, Resolvable & { use?: SecretUse }>();
  for (const [id, use] of uses) {
    const declaredIn = use.secret.location?.file;
    wanted.set(id, {
      source: use.secret.source,
      base: declaredIn ? dirname(declaredIn) : options.cwd,
      fromFlag: false,
      use,
    });
  }
  for (const spec of options.overrides ?? []) {
    const known = wanted.get(spec.id);
    wanted.set(spec.id, {
      source: spec.source ?? defaultFlagSource(spec.id, options.env),
      base: options.cwd,
      fromFlag: true,
      use: known?.use,
    });
  }
  const values = new Map<string, Uint8Array>();
  await Promise.all([...wanted].map(async ([id, w]) => {
    const usedAt = w.use?.locations ?? [];
    const location = usedAt[0] ?? w.use?.secret.location;
    try {
      const value = await readSource(w, options.env);
      if (value.length > MAX_SECRET_BYTES) throw new TooBig();
      values.set(id, value);
    } catch (err) {
      // Too big is a mistake even for an optional secret.
      if (err instanceof TooBig) {
        throw new SecretUnavailableError(
          id,
          `is larger than ${MAX_SECRET_BYTES / 1024} KiB`,
          location,
          usedAt,
        );
      }
      if (!(err instanceof Unavailable)) throw err;
      // Optional everywhere it is used, and not asked for explicitly: serve nothing.
      if (w.use?.optional && !w.fromFlag) return;
      throw new SecretUnavailableError(id, err.message, location, usedAt);
    }
  }));
  return values;
}

class Unavailable extends Error {}
class TooBig extends Error {}

// buildx: a bare `--secret id=X` reads env var X when it is set, else the file X.
function defaultFlagSource(id: string, env: ResolveSecretsOptions["env"]): SecretSource {
  return env[id] !== undefined ? { env: id } : { file: id };
}

async function readSource(w: Resolvable, env: ResolveSecretsOptions["env"]): Promise<Uint8Array> {
  const s = w.source;
  if (s === undefined) {
    throw new Unavailable("has no source in build.ts; give one with --secret id=ID,src=PATH or env=NAME");
  }
  if ("env" in s) {
    const v = env[s.env];
    if (v === undefined) throw new Unavailable(`environment variable ${s.env} is not set`);
    return new TextEncoder().encode(v);
  }
  if ("file" in s) {
    const path = resolve(w.base, s.file);
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new Unavailable(`${path} is not a file`);
      if (info.size > MAX_SECRET_BYTES) throw new TooBig();
      return new Uint8Array(await readFile(path));
    } catch (err) {
      if (err instanceof Unavailable || err instanceof TooBig) throw err;
      throw new Unavailable(
        `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
  }
  let v: string | Uint8Array;
  try {
    v = typeof s.value === "function" ? await s.value() : s.value;
  } catch (err) {
    // The function is the user's; its message is theirs to word.
    throw new Unavailable(`its value function failed: ${(err as Error)?.message ?? String(err)}`);
  }
  if (typeof v === "string") return new TextEncoder().encode(v);
  if (v instanceof Uint8Array) return v;
  throw new Unavailable(
    `its value function returned ${v === null ? "null" : typeof v}, not a string or Uint8Array`,
  );
}
