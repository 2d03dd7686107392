/**
 * Building named targets on one engine: the library behind the CLI.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { isAbsolute, resolve } from "node:path";
import process from "node:process";
import { z } from "zod";
import { State } from "../dsl/state.ts";
import { DrydockError } from "../dsl/errors.ts";
import type { SourceLocation } from "../dsl/location.ts";
import { validate } from "../dsl/validate.ts";
import type * as pb from "../proto/pb.gen.ts";
import type { StatusResponse } from "../proto/moby_buildkit_v1.gen.ts";
import { connect } from "../transport/connect.ts";
import { engineCandidates, type EngineEnv, type EngineSelection } from "../transport/discover.ts";
import type { Transport } from "../transport/transport.ts";
import type { BuildOutput } from "./outputs.ts";
import { solve } from "./solve.ts";
import type { SecretSpec } from "./secret_spec.ts";
import { sessionServiceOptions } from "./session_services.ts";
import type { SshSpec } from "./ssh_spec.ts";
import type { RegistryLogin } from "../session/registry_credentials.ts";

/** A named thing to build: a state and what to do with the result. */
export interface Target {
  state: State;
  /** Export as an image with this name (or names) into the engine's image store. */
  image?: string | string[];
  /** Where else the result goes: a local directory, ... */
  output?: BuildOutput | BuildOutput[];
  /** One line for `--help` and `--list`. */
  description?: string;
}

/** Targets by name; a bare State is a target that is only built. */
export type Targets = Record<string, State | Target>;

/** Options of {@link buildTargets}. */
export interface BuildTargetsOptions {
  /** Names of the targets to build. @default every target */
  targets?: readonly string[];
  /** Use this connection instead of discovering an engine. */
  transport?: Transport;
  /** Engine address (`unix://…`, `tcp://…`; `docker+unix://…` for Docker); overrides the environment. */
  host?: string;
  /** A docker context to use, and TLS material for a tcp engine; `host` wins over `engine.host`. */
  engine?: EngineSelection;
  /** Run every step again instead of using cached results. @default false */
  noCache?: boolean;
  /** Environment to discover the engine from. @default process.env */
  env?: EngineEnv;
  /** Seconds to wait for an engine to answer. @default 5 */
  connectTimeoutMs?: number;
  /** Receives each target's build ref (as in `docker buildx history`) when its build starts. */
  onStart?: (target: string, ref: string) => void;
  /** Receives every status update, with the target it belongs to. */
  onStatus?: (target: string, status: StatusResponse) => void;
  /** Told once per fallback used because the engine lacks a feature (e.g. merge() as copies). @default prints to stderr */
  onNotice?: (target: string, message: string) => void;
  /** Receives each target's definition as sent, frontends' ops spliced in. */
  onDefinition?: (target: string, definition: pb.Definition) => void;
  signal?: AbortSignal;
  /** Key under which the engine keeps earlier uploads of local directories. @default derived from host and `base` */
  sharedKey?: string;
  /** Directory relative output paths resolve against. @default the working directory */
  base?: string;
  /** Where the build was described, for messages. */
  location?: SourceLocation;
  /** Secrets that override or add to build.ts's `secret()` sources by id, as `--secret` does. */
  secrets?: readonly SecretSpec[];
  /** SSH agents that override or add to build.ts's `ssh()` agents by id, as `--ssh` does. */
  ssh?: readonly SshSpec[];
  /** Registry logins by host (`ghcr.io`, `localhost:5000`); win over DOCKER_AUTH_CONFIG and ~/.docker/config.json. */
  registryAuth?: Readonly<Record<string, RegistryLogin>>;
}

/** What one target's build produced. */
export interface TargetResult {
  readonly target: string;
  readonly ref: string;
  readonly exporterResponse: Readonly<Record<string, string>>;
  readonly outputs: readonly BuildOutput[];
}

const outputSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("image"),
    name: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  }),
  z.strictObject({ type: z.literal("local"), dest: z.string().min(1) }),
], { error: 'must be { type: "local", dest } or { type: "image", name }' });

const targetSchema = z.strictObject({
  state: z.instanceof(State, { error: "must be a State (from image(), local(), scratch() ...)" }),
  image: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  output: z.union([outputSchema, z.array(outputSchema)]).optional(),
  description: z.string().optional(),
});

/** A target after validation: outputs listed, paths absolute. */
export interface ResolvedTarget {
  readonly name: string;
  readonly state: State;
  readonly outputs: readonly BuildOutput[];
  readonly description?: string;
}

/**
 * Checks the targets and lists each one's outputs.
 *
 * @example
 * ```ts
 * import { image } from "../../mod.ts";
 * import { resolveTargets } from "./build.ts";
 * resolveTargets({ app: { state: image("busybox"), image: "app:dev" } })[0].outputs; // [{ type: "image", name: ["app:dev"] }]
 * ```
 */
export function resolveTargets(
  targets: Targets,
  base = process.cwd(),
  location?: SourceLocation,
): ResolvedTarget[] {
  validate("build", "targets", z.record(z.string(), z.unknown()), targets, location);
  return Object.entries(targets).map(([name, value]) => {
    if (value instanceof State) return { name, state: value, outputs: [] };
    const t = validate("build", `targets.${name}`, targetSchema, value, location) as Target;
    const outputs: BuildOutput[] = [];
    if (t.image) outputs.push({ type: "image", name: typeof t.image === "string" ? [t.image] : t.image });
    for (const o of t.output === undefined ? [] : Array.isArray(t.output) ? t.output : [t.output]) {
      outputs.push(
        o.type === "local" ? { ...o, dest: isAbsolute(o.dest) ? o.dest : resolve(base, o.dest) } : o,
      );
    }
    return { name, state: t.state, outputs, description: t.description };
  });
}

/**
 * Builds targets on one engine, all at once, and returns what each produced.
 * Prints nothing; failures throw {@link DrydockError}s.
 *
 * @example
 * ```ts
 * import { image } from "../../mod.ts";
 * import { buildTargets } from "./build.ts";
 * const results = await buildTargets({ hello: { state: image("busybox").run("echo hi"), image: "hello:dev" } });
 * console.log(results.hello.exporterResponse["containerimage.digest"]);
 * ```
 */
export async function buildTargets(
  targets: Targets,
  options: BuildTargetsOptions = {},
): Promise<Record<string, TargetResult>> {
  const base = options.base ?? process.cwd();
  const all = resolveTargets(targets, base, options.location);
  const wanted = options.targets ?? all.map((t) => t.name);
  for (const name of wanted) {
    if (!all.some((t) => t.name === name)) {
      throw new DrydockError(
        "E_TARGET",
        `unknown target "${name}"; targets are: ${all.map((t) => t.name).join(", ")}`,
      );
    }
  }
  const selected = all.filter((t) => wanted.includes(t.name));
  const services = sessionServiceOptions(options, base, options.location);
  const transport = options.transport ??
    await connect(
      engineCandidates(options.env ?? process.env, {
        ...options.engine,
        host: options.host ?? options.engine?.host,
      }),
      {
        timeoutMs: options.connectTimeoutMs,
        signal: options.signal,
      },
    );
  const sharedKey = options.sharedKey ??
    createHash("sha256").update(`${hostname()}\n${base}`).digest("hex").slice(0, 32);
  // One failing target cancels the others: their results would not be used.
  const cancel = new AbortController();
  const stop = () => cancel.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", stop, { once: true });
  if (options.signal?.aborted) stop();
  try {
    const settled = await Promise.allSettled(selected.map(async (t) => {
      try {
        const r = await solve(transport, {
          state: t.state,
          outputs: t.outputs,
          sharedKey,
          noCache: options.noCache,
          signal: cancel.signal,
          onStart: (ref) => options.onStart?.(t.name, ref),
          onStatus: (s) => options.onStatus?.(t.name, s),
          onNotice: options.onNotice && ((m) => options.onNotice!(t.name, m)),
          onDefinition: options.onDefinition && ((d) => options.onDefinition!(t.name, d)),
          services,
        });
        return [t.name, {
          target: t.name,
          ref: r.ref,
          exporterResponse: r.exporterResponse,
          outputs: t.outputs,
        }] as const;
      } catch (err) {
        if (!cancel.signal.aborted) cancel.abort(err);
        throw err;
      }
    }));
    const failures = settled.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    // The first failure is the cause; the others are mostly "cancelled" because of it.
    if (failures.length > 0) throw cancel.signal.reason ?? failures[0];
    const results = settled.map((r) => (r as PromiseFulfilledResult<readonly [string, TargetResult]>).value);
    return Object.fromEntries(results);
  } finally {
    options.signal?.removeEventListener("abort", stop);
    if (!options.transport) await transport.close();
  }
}
