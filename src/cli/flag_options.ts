/**
 * The command line's build flags as library options: parsed with the
 * parsers of the layers that own them, paths made absolute from where the
 * command was typed, files read.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { DrydockError } from "../core/errors.ts";
import type { BuildTargetsOptions } from "../solve/build.ts";
import type { BuildOutput } from "../solve/outputs.ts";
import { parseSecretSpec } from "../solve/secret_flag.ts";
import {
  parseCacheExportSpec,
  parseCacheImportSpec,
  parseOutputSpec,
  SpecError,
} from "../solve/spec_parse.ts";
import { parseContextFlag } from "../core/context_spec.ts";
import { parseSshSpec } from "../solve/ssh_flag.ts";
import type { TlsOptions } from "../transport/address.ts";
import type { BuildEnvironment } from "../core/environment.ts";
import type { EngineAddress } from "../transport/address.ts";
import { parseNodeFlag } from "../transport/builder_nodes.ts";
import { engineCandidates } from "../transport/discover.ts";
import type { CliArgs } from "./args.ts";
import { UsageError } from "./usage_error.ts";

/** What the flags set; build()'s own options fill in the rest. */
export type FlagOptions = BuildFlagOptions & {
  /** The engines to try, discovered once when `--host` or `--builder` was given (and checked then). */
  engines?: readonly EngineAddress[];
};

/** The build options flags can set. */
export type BuildFlagOptions = Pick<
  BuildTargetsOptions,
  | "outputs"
  | "push"
  | "platforms"
  | "cacheFrom"
  | "cacheTo"
  | "secrets"
  | "ssh"
  | "contexts"
  | "noCache"
  | "noPersist"
  | "buildArgs"
  | "host"
  | "engine"
  | "builder"
>;

/**
 * Turns parsed flags into build options layered over `base` (build()'s own
 * options): lists are appended, so for the same id a flag wins. Throws
 * {@link UsageError} (or the parsers' `E_SPEC` errors) for bad values.
 *
 * @example
 * ```ts
 * import { parseCli } from "./args.ts";
 * import { flagOptions } from "./flag_options.ts";
 * const args = parseCli(["-o", "type=local,dest=out", "--push"], { targets: [] });
 * flagOptions(args, {}, { env: {}, cwd: "/where/you/are" }).outputs; // [{ type: "local", dest: "/where/you/are/out" }]
 * ```
 */
export function flagOptions(
  args: CliArgs,
  base: BuildFlagOptions,
  environment: Pick<BuildEnvironment, "env" | "cwd">,
): FlagOptions {
  const { env, cwd } = environment;
  // Paths on the command line are relative to where it was typed, not to build.ts.
  const outputs = args.outputs.map((o) => fromWorkingDir(parseOutputSpec(o), cwd));
  const cacheFrom = args.cacheFrom.map(parseCacheImportSpec);
  const cacheTo = args.cacheTo.map(parseCacheExportSpec);
  const secrets = args.secrets.map((s) => parseSecretSpec(s, cwd));
  const ssh = args.ssh.map((s) => parseSshSpec(s, cwd));
  const contexts = buildContexts(args.buildContexts, cwd);
  const tls = readTls(args.tls);
  const engine = {
    ...base.engine,
    ...(args.builder ? { builder: args.builder } : {}),
    ...(tls ? { tls } : {}),
  };
  const host = args.host ?? base.host;
  // A bad --host or --builder is a usage error (2); a bad BUILDKIT_HOST or DOCKER_CONTEXT fails the build (1).
  const engines = args.host || args.builder
    ? asUsageError(() => engineCandidates(env, { ...engine, host }))
    : undefined;
  // --node replaces build.ts's builder: the command line says where this run builds.
  const nodes = args.nodes.map((n) => asUsageError(() => parseNodeFlag(n)));
  return {
    ...base,
    ...(nodes.length > 0 ? { builder: { nodes } } : {}),
    ...(engines ? { engines } : {}),
    ...(host ? { host } : {}),
    engine,
    noCache: args.noCache || base.noCache,
    noPersist: args.noPersist || base.noPersist,
    ...(Object.keys(args.buildArgs).length > 0
      ? { buildArgs: { ...base.buildArgs, ...args.buildArgs } }
      : {}),
    outputs: [...(base.outputs ?? []), ...outputs],
    ...(args.push ? { push: true } : {}),
    ...(args.load ? { load: true } : {}),
    ...(args.platforms.length > 0 ? { platforms: args.platforms } : {}),
    cacheFrom: [...(base.cacheFrom ?? []), ...cacheFrom],
    cacheTo: [...(base.cacheTo ?? []), ...cacheTo],
    secrets: [...(base.secrets ?? []), ...secrets],
    ssh: [...(base.ssh ?? []), ...ssh],
    ...(contexts ? { contexts: { ...base.contexts, ...contexts } } : {}),
  };
}

// --build-context values as build()'s contexts: directories made absolute from where the command was typed.
function buildContexts(texts: readonly string[], cwd: string): Record<string, string> | undefined {
  if (texts.length === 0) return undefined;
  const contexts: Record<string, string> = {};
  for (const text of texts) {
    const { name, source } = parseContextFlag(text, (why) => {
      throw new SpecError(`--build-context ${JSON.stringify(text)}: ${why}`);
    });
    contexts[name] = source.type === "dir" ? resolve(cwd, source.path) : text.slice(name.length + 1);
  }
  return contexts;
}

function fromWorkingDir(o: BuildOutput, cwd: string): BuildOutput {
  return o.type === "image" || o.dest === "-" ? o : { ...o, dest: resolve(cwd, o.dest) };
}

function asUsageError<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    const codes = ["E_ADDRESS", "E_DOCKER_CONTEXT", "E_SPEC"];
    if (err instanceof DrydockError && codes.includes(err.code)) {
      throw new UsageError(err.message);
    }
    throw err;
  }
}

function readTls(files: CliArgs["tls"]): TlsOptions | undefined {
  if (!files.caCert && !files.cert && !files.key && !files.serverName) return undefined;
  const read = (flag: string, file: string | undefined) => {
    if (file === undefined) return undefined;
    try {
      return readFileSync(file);
    } catch (err) {
      const why = (err as { code?: string }).code === "ENOENT" ? "no such file" : (err as Error).message;
      throw new UsageError(`${flag} ${file}: cannot read it (${why})`);
    }
  };
  const ca = read("--tlscacert", files.caCert);
  const cert = read("--tlscert", files.cert);
  const key = read("--tlskey", files.key);
  return {
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(files.serverName ? { serverName: files.serverName } : {}),
  };
}
