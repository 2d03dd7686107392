/**
 * Command-line arguments of a build.ts, parsed with `node:util` parseArgs
 * (the same on Deno, Bun and Node).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { isPlatformText } from "../core/platform.ts";
import { FLAGS, parseArgsOptions, PROGRESS_MODES, type ProgressMode } from "./flags.ts";
import { type ParamSpec, PROXY_ARGS, proxyBuildArgs } from "./params.ts";
import { closest } from "./suggest.ts";
import { UsageError } from "./usage_error.ts";

export { UsageError };

/** The parsed command line (declared parameters are read by `params()` itself). */
export interface CliArgs {
  /** Targets named with `--target` or as positionals, in order, without repeats. */
  targets: string[];
  list: boolean;
  help: boolean;
  version: boolean;
  dryRun: boolean;
  noCache: boolean;
  /** `--no-persist`: neither seed nor save persisted cache mounts. */
  noPersist: boolean;
  /** `--build-arg` values of the predefined proxy args that no parameter declares, for every dockerfile(). */
  buildArgs: Record<string, string>;
  /** `--secret` values, unparsed (the session layer's parser names the bad part). */
  secrets: string[];
  /** `--ssh` values, unparsed. */
  ssh: string[];
  /** `--build-context` values, unparsed. */
  buildContexts: string[];
  /** `-o` values, unparsed (the outputs layer's parser names the bad key). */
  outputs: string[];
  push: boolean;
  load: boolean;
  /** `--platform` values, split at commas. */
  platforms: string[];
  cacheFrom: string[];
  cacheTo: string[];
  metadataFile?: string;
  /** `--print` or `--dot`: show one target's LLB instead of building. */
  printLlb?: "json" | "dot";
  progress: ProgressMode;
  /** `--host`, or `--builder` when it is an address. */
  host?: string;
  /** `--builder` when it names a buildx builder or docker context. */
  builder?: string;
  /** `--node` values, unparsed (the transport layer's parser names the bad key). */
  nodes: string[];
  tls: { caCert?: string; cert?: string; key?: string; serverName?: string };
  /** `-i` or `--on-error shell`: a shell on a failed run step. */
  interactive: boolean;
  /** `--shell TARGET`: a shell in that target's final state. */
  shell?: string;
  /** `--shell-command`, split at spaces. @default ["/bin/sh"] */
  shellCommand: string[];
}

/** What the command line is checked against. */
export interface CliSpec {
  /** The declared target names. */
  targets: readonly string[];
  /** The declared parameters. @default none */
  params?: readonly ParamSpec[];
}

/**
 * Parses `argv`; throws {@link UsageError} naming the closest valid flag or target.
 *
 * @example
 * ```ts
 * import { parseCli } from "./args.ts";
 * parseCli(["--target", "app", "--progress=plain"], { targets: ["app", "test"] }).targets; // ["app"]
 * ```
 */
export function parseCli(argv: readonly string[], spec: CliSpec): CliArgs {
  const params = spec.params ?? [];
  const paramFlags = params.map((p) => ({
    name: p.flag,
    type: p.kind === "boolean" ? "boolean" as const : "string" as const,
    multiple: p.kind === "list",
  }));
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: parseArgsOptions([...FLAGS, ...paramFlags]),
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw usageErrorFrom(err as Error, [...FLAGS.map((f) => f.name), ...params.map((p) => p.flag)]);
  }
  const v = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const targets = [...new Set([...(v.target as string[] | undefined ?? []), ...parsed.positionals])];
  for (const t of targets) {
    if (spec.targets.includes(t)) continue;
    const near = closest(t, spec.targets);
    throw new UsageError(
      `unknown target "${t}"${near ? `; did you mean "${near}"?` : ""} (targets: ${spec.targets.join(", ")})`,
    );
  }
  const buildArgTexts = (v["build-arg"] as string[] | undefined) ?? [];
  for (const text of buildArgTexts) checkBuildArg(text, params);
  const progress = (v.progress as string | undefined) ?? "auto";
  if (!(PROGRESS_MODES as readonly string[]).includes(progress)) {
    const near = closest(progress, PROGRESS_MODES);
    throw new UsageError(
      `--progress must be one of ${PROGRESS_MODES.join(", ")}, not "${progress}"${
        near ? `; did you mean ${near}?` : ""
      }`,
    );
  }
  const host = v.host as string | undefined;
  const builder = v.builder as string | undefined;
  if (host !== undefined && builder !== undefined) {
    throw new UsageError("--host and --builder both choose the engine; give only one");
  }
  if (v.node !== undefined && (host !== undefined || builder !== undefined)) {
    throw new UsageError(
      `--node and --${host !== undefined ? "host" : "builder"} both choose the engines; give only one`,
    );
  }
  for (
    const name of ["host", "builder", "tlscacert", "tlscert", "tlskey", "tls-server-name", "metadata-file"]
  ) {
    if (v[name] === "") throw new UsageError(`--${name} needs a value`);
  }
  if ((v.tlscert === undefined) !== (v.tlskey === undefined)) {
    throw new UsageError("--tlscert and --tlskey go together: give both for mutual TLS, or neither");
  }
  if (v.print === true && v.dot === true) {
    throw new UsageError("--print and --dot each print the LLB; give only one");
  }
  const platforms = ((v.platform as string[] | undefined) ?? []).flatMap((p) => p.split(",")).map((p) =>
    p.trim()
  );
  for (const p of platforms) {
    // The same rule as build()'s platforms option, said in terms of the flag.
    if (!isPlatformText(p)) {
      throw new UsageError(`--platform "${p}": must look like linux/amd64 or linux/arm64/v8`);
    }
  }
  const onError = v["on-error"] as string | undefined;
  if (onError !== undefined && onError !== "fail" && onError !== "shell") {
    throw new UsageError(`--on-error must be fail or shell, not "${onError}"`);
  }
  const shell = v.shell as string | undefined;
  if (shell !== undefined && !spec.targets.includes(shell)) {
    const near = closest(shell, spec.targets);
    throw new UsageError(
      `--shell ${shell}: no such target${near ? `; did you mean "${near}"?` : ""} (targets: ${
        spec.targets.join(", ")
      })`,
    );
  }
  if (shell !== undefined && targets.length > 0 && !targets.includes(shell)) {
    throw new UsageError(
      `--shell ${shell}: that target is not among the targets to build (${targets.join(", ")})`,
    );
  }
  const shellCommand = ((v["shell-command"] as string | undefined) ?? "/bin/sh").split(" ").filter(Boolean);
  if (shellCommand.length === 0) throw new UsageError("--shell-command needs a command");
  const builderIsAddress = builder !== undefined && (builder.includes("://") || builder.startsWith("/"));
  return {
    targets,
    list: v.list === true,
    help: v.help === true,
    version: v.version === true,
    dryRun: v["dry-run"] === true,
    noCache: v["no-cache"] === true,
    noPersist: v["no-persist"] === true,
    buildArgs: proxyBuildArgs(buildArgTexts, params),
    outputs: (v.output as string[] | undefined) ?? [],
    push: v.push === true,
    load: v.load === true,
    platforms,
    cacheFrom: (v["cache-from"] as string[] | undefined) ?? [],
    cacheTo: (v["cache-to"] as string[] | undefined) ?? [],
    ...(v["metadata-file"] !== undefined ? { metadataFile: v["metadata-file"] as string } : {}),
    secrets: (v.secret as string[] | undefined) ?? [],
    ssh: (v.ssh as string[] | undefined) ?? [],
    buildContexts: (v["build-context"] as string[] | undefined) ?? [],
    ...(v.print === true
      ? { printLlb: "json" as const }
      : v.dot === true
      ? { printLlb: "dot" as const }
      : {}),
    progress: progress as ProgressMode,
    interactive: v.interactive === true || onError === "shell",
    ...(shell !== undefined ? { shell } : {}),
    shellCommand,
    ...(host !== undefined || builderIsAddress ? { host: host ?? builder } : {}),
    ...(builder !== undefined && !builderIsAddress ? { builder } : {}),
    nodes: (v.node as string[] | undefined) ?? [],
    tls: {
      ...(v.tlscacert ? { caCert: v.tlscacert as string } : {}),
      ...(v.tlscert ? { cert: v.tlscert as string } : {}),
      ...(v.tlskey ? { key: v.tlskey as string } : {}),
      ...(v["tls-server-name"] ? { serverName: v["tls-server-name"] as string } : {}),
    },
  };
}

function checkBuildArg(text: string, params: readonly ParamSpec[]): void {
  const eq = text.indexOf("=");
  const name = eq === -1 ? text : text.slice(0, eq);
  if (params.some((p) => p.key === name || p.flag === name)) return;
  // Predefined in BuildKit: passed to every dockerfile() without a declaration, as buildx does.
  if (PROXY_ARGS.includes(name)) {
    if (eq === -1) throw new UsageError(`--build-arg ${name}: expected ${name}=VALUE`);
    return;
  }
  if (params.length === 0) {
    throw new UsageError(`--build-arg ${name}: this build.ts declares no parameters (see params())`);
  }
  const near = closest(name, params.map((p) => p.key));
  throw new UsageError(
    `--build-arg ${name}: no such parameter${near ? `; did you mean ${near}?` : ""} (parameters: ${
      params.map((p) => p.key).join(", ")
    })`,
  );
}

// parseArgs' messages are long and mention `strict: false`; say it in one line instead.
function usageErrorFrom(err: Error, known: readonly string[]): UsageError {
  const message = err.message;
  const unknown = /Unknown option '([^']+)'/.exec(message)?.[1]?.replace(/=.*$/, "");
  if (unknown) {
    const near = closest(
      unknown.startsWith("--") ? unknown : `--${unknown.replace(/^-+/, "")}`,
      known.map((k) => `--${k}`),
    );
    return new UsageError(`unknown flag ${unknown}${near ? `; did you mean ${near}?` : ""}`);
  }
  const flag = /Option '(?:-\w, )?(--[\w-]+)/.exec(message)?.[1];
  if (flag && /does not take an argument/.test(message)) {
    return new UsageError(`${flag} does not take a value`);
  }
  if (flag && /argument missing/.test(message)) return new UsageError(`${flag} needs a value`);
  // parseArgs takes "--flag --other" for a value that looks like a flag: the value is missing.
  if (flag && /argument is ambiguous/.test(message)) {
    return new UsageError(`${flag} needs a value (to give one starting with "-", write ${flag}=VALUE)`);
  }
  return new UsageError(message.split("\n")[0]);
}
