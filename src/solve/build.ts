/**
 * Building named targets on one engine: the library behind the CLI.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { State } from "../dsl/state.ts";
import { scratch } from "../dsl/sources.ts";
import { type BuildContext, type DynamicState, isDynamicState } from "./build_context.ts";
import { DrydockError } from "../core/errors.ts";
import type { BuildEnvironment } from "../core/environment.ts";
import type { SourceLocation } from "../core/location.ts";
import { fail, validate } from "../core/validate.ts";
import type * as pb from "../proto/pb.gen.ts";
import type { StatusResponse } from "../proto/moby_buildkit_v1.gen.ts";
import { connect } from "../transport/connect.ts";
import type { EngineAddress } from "../transport/address.ts";
import { engineCandidates, type EngineSelection } from "../transport/discover.ts";
import type { Transport } from "../transport/transport.ts";
import type { Platform } from "../dsl/graph.ts";
import { defaultPlatform, formatPlatform, parsePlatform, platformSchema } from "../core/platform.ts";
import { type AttestOptions, attestSchema, sourceDateEpochSchema } from "./attestations.ts";
import { type CacheExport, cacheExportSchema, type CacheImport, cacheImportSchema } from "./cache.ts";
import { type EngineKind, probeEngine } from "./engine_features.ts";
import type { PushResult } from "./engine_push.ts";
import { buildAndExport } from "./export.ts";
import { type BuildOutput, outputSchema } from "./outputs.ts";
import { checkOutputCollisions } from "./output_collisions.ts";
import type { PlatformState } from "./solve.ts";
import type { SecretSpec } from "./secret_flag.ts";
import { sessionServiceOptions } from "./session_services.ts";
import type { SshSpec } from "./ssh_flag.ts";
import { RegistryCredentialStore, type RegistryLogin } from "../session/registry_credentials.ts";

/** A named thing to build: a state and what to do with the result. */
export interface Target {
  /**
   * What to build. A function of the platform for multi-platform targets
   * (called before the build, with the platform's fields only); or an `async`
   * function of the build (a dynamic target), which may read what the engine
   * built so far before it decides.
   */
  state: State | ((ctx: BuildContext) => State | Promise<State>);
  /** Export as an image with this name (or names) into the engine's image store. */
  image?: string | string[];
  /** Where else the result goes: a local directory, a tarball, a registry ... */
  output?: BuildOutput | BuildOutput[];
  /** Build for these platforms (`linux/amd64`, `linux/arm64`) into one image index. */
  platforms?: string[];
  /** Build cache to import. */
  cacheFrom?: CacheImport | CacheImport[];
  /** Build cache to export. */
  cacheTo?: CacheExport | CacheExport[];
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
  /** A buildx builder or docker context to use, and TLS material for a tcp engine; `host` wins over `engine.host`. */
  engine?: EngineSelection;
  /** Run every step again instead of using cached results. @default false */
  noCache?: boolean;
  /**
   * Environment variables: for discovering the engine, `{ env }` secrets, `SSH_AUTH_SOCK`, Docker's config
   * and SOURCE_DATE_EPOCH. @default the process's environment
   */
  env?: Readonly<Record<string, string | undefined>>;
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
  /** Outputs added to every target built (the CLI's `-o`). */
  outputs?: BuildOutput[];
  /** Push every image output (the CLI's `--push`). @default false */
  push?: boolean;
  /** Platforms for every target built, replacing theirs (the CLI's `--platform`). */
  platforms?: string[];
  /** Cache imports added to every target (`--cache-from`). */
  cacheFrom?: CacheImport[];
  /** Cache exports added to every target (`--cache-to`). */
  cacheTo?: CacheExport[];
  /** Provenance and SBOM attestations (`--provenance`, `--sbom`). */
  attest?: AttestOptions;
  /**
   * Creation time of images and their history, for reproducible digests.
   * @default the SOURCE_DATE_EPOCH environment variable, if set
   */
  sourceDateEpoch?: number;
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
  /** The build id (the first one, when outputs needed several solves). */
  readonly ref: string;
  /** The exporters' response: `containerimage.digest`, `image.name`, `containerimage.descriptor` ... */
  readonly exporterResponse: Readonly<Record<string, string>>;
  readonly outputs: readonly BuildOutput[];
  /** The kind of engine that built it. */
  readonly engine: EngineKind;
  /** Images pushed through the Docker Engine API (graphdriver Docker), with their digests. */
  readonly pushed: readonly PushResult[];
  /** What drydock did differently from what was asked, and why. */
  readonly notices: readonly string[];
}

const oneOrMany = <T extends z.ZodType>(t: T) => z.union([t, z.array(t)]);

const targetSchema = z.strictObject({
  state: z.union([
    z.instanceof(State),
    z.custom<(p: Platform) => State>((v) => typeof v === "function"),
  ], {
    error:
      "must be a State (from image(), local(), scratch() ...), a function of the platform, or an async " +
      "function of the build",
  }),
  image: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  output: oneOrMany(outputSchema).optional(),
  platforms: z.array(platformSchema).min(1).optional(),
  cacheFrom: oneOrMany(cacheImportSchema).optional(),
  cacheTo: oneOrMany(cacheExportSchema).optional(),
  description: z.string().optional(),
});

const optionsSchema = z.object({
  outputs: z.array(outputSchema).optional(),
  push: z.boolean().optional(),
  platforms: z.array(platformSchema).min(1).optional(),
  cacheFrom: z.array(cacheImportSchema).optional(),
  cacheTo: z.array(cacheExportSchema).optional(),
  attest: attestSchema.optional(),
  sourceDateEpoch: sourceDateEpochSchema.optional(),
});

/** A target after validation: outputs listed, paths absolute. */
export interface ResolvedTarget {
  readonly name: string;
  /** The state at the client's platform (or the first platform). */
  readonly state: State;
  /** One state per platform, when the target has platforms. */
  readonly platformStates?: readonly PlatformState[];
  /** A dynamic target's function: its graph is known only once the engine runs it (`state` is then empty). */
  readonly dynamic?: DynamicState;
  readonly outputs: readonly BuildOutput[];
  readonly cacheFrom: readonly CacheImport[];
  readonly cacheTo: readonly CacheExport[];
  readonly description?: string;
}

/**
 * Checks the targets and lists each one's outputs.
 *
 * @example
 * ```ts
 * import { image } from "../../mod.ts";
 * import { resolveTargets } from "./build.ts";
 * resolveTargets({ app: { state: image("busybox"), image: "app:dev" } }, "/src")[0].outputs; // [{ type: "image", name: ["app:dev"] }]
 * ```
 */
export function resolveTargets(
  targets: Targets,
  base: string,
  location?: SourceLocation,
  overrides: Pick<BuildTargetsOptions, "outputs" | "push" | "platforms" | "cacheFrom" | "cacheTo"> = {},
): ResolvedTarget[] {
  validate("build", "targets", z.record(z.string(), z.unknown()), targets, location);
  const absolute = (o: BuildOutput): BuildOutput =>
    o.type === "image" || o.dest === "-" || isAbsolute(o.dest) ? o : { ...o, dest: resolve(base, o.dest) };
  return Object.entries(targets).map(([name, value]) => {
    const t = (value instanceof State ? { state: value } : validate(
      "build",
      `targets.${name}`,
      targetSchema,
      value,
      location,
    )) as Target;
    const outputs: BuildOutput[] = [];
    if (t.image) outputs.push({ type: "image", name: typeof t.image === "string" ? [t.image] : t.image });
    outputs.push(...[t.output ?? []].flat(), ...(overrides.outputs ?? []));
    const platforms = overrides.platforms ?? t.platforms;
    let state: State;
    let platformStates: PlatformState[] | undefined;
    const dynamic = isDynamicState(t.state) ? t.state : undefined;
    if (dynamic) {
      state = scratch();
      if (platforms) platformStates = platforms.map((p) => ({ platform: parsePlatform(p), state }));
    } else if (typeof t.state === "function") {
      const fn = t.state as (platform: Platform) => State | Promise<State>;
      const list = (platforms ?? [formatPlatform(defaultPlatform())]).map(parsePlatform);
      platformStates = list.map((platform) => ({ platform, state: stateOf(fn(platform), name, location) }));
      state = platformStates[0].state;
      if (!platforms) platformStates = undefined;
    } else {
      state = t.state;
      if (platforms && platforms.length > 1) {
        validate(
          "build",
          `targets.${name}.state`,
          z.custom(() => false, "must be a function of the platform to build several platforms"),
          t.state,
          location,
        );
      }
      if (platforms) platformStates = [{ platform: parsePlatform(platforms[0]), state }];
    }
    return {
      name,
      state,
      platformStates,
      ...(dynamic ? { dynamic } : {}),
      outputs: outputs.map((o) => absolute(overrides.push && o.type === "image" ? { ...o, push: true } : o)),
      cacheFrom: [...[t.cacheFrom ?? []].flat(), ...(overrides.cacheFrom ?? [])].map((c) =>
        c.type === "local" ? { ...c, src: resolve(base, c.src) } : c
      ),
      cacheTo: [...[t.cacheTo ?? []].flat(), ...(overrides.cacheTo ?? [])].map((c) =>
        c.type === "local" ? { ...c, dest: resolve(base, c.dest) } : c
      ),
      description: t.description,
    };
  });
}

function stateOf(value: unknown, target: string, location: SourceLocation | undefined): State {
  if (value instanceof Promise) {
    value.catch(() => {}); // never awaited: the target is refused
    fail(
      "build",
      `targets.${target}.state`,
      "returned a Promise: declare a dynamic target's state as `async (ctx) => ...`",
      location,
    );
  }
  return validate(
    "build",
    `targets.${target}.state`,
    z.instanceof(State, { error: "must return a State for each platform" }),
    value,
    location,
  );
}

/**
 * The targets named (all of them when `names` is undefined), resolved with the
 * command line's overrides. Every target is checked; the overrides (e.g. several
 * platforms) apply to the named ones only.
 *
 * @example
 * ```ts
 * import { image } from "../../mod.ts";
 * import { selectTargets } from "./build.ts";
 * selectTargets({ a: image("busybox"), b: image("busybox") }, ["b"], "/src").map((t) => t.name); // ["b"]
 * ```
 */
export function selectTargets(
  targets: Targets,
  names: readonly string[] | undefined,
  base: string,
  location?: SourceLocation,
  overrides: Pick<BuildTargetsOptions, "outputs" | "push" | "platforms" | "cacheFrom" | "cacheTo"> = {},
): ResolvedTarget[] {
  const all = resolveTargets(targets, base, location);
  const wanted = names ?? all.map((t) => t.name);
  for (const name of wanted) {
    if (!all.some((t) => t.name === name)) {
      throw new DrydockError(
        "E_TARGET",
        `unknown target "${name}"; targets are: ${all.map((t) => t.name).join(", ")}`,
      );
    }
  }
  const picked = Object.fromEntries(Object.entries(targets).filter(([name]) => wanted.includes(name)));
  const selected = resolveTargets(picked, base, location, overrides);
  checkOutputCollisions(selected, location);
  return selected;
}

/** What a build takes from the program that runs it, besides its options. */
export interface BuildRun {
  /** The process's configuration, read once at the entry point. */
  readonly environment: BuildEnvironment;
  /** The engines to try, when the caller has discovered them already (the CLI does, to check `--host`). */
  readonly engines?: readonly EngineAddress[];
}

/**
 * Builds targets on one engine, all at once, and returns what each produced.
 * Prints nothing; failures throw {@link DrydockError}s.
 *
 * @example
 * ```ts
 * import { image } from "../../mod.ts";
 * import { processEnvironment } from "../cli/environment.ts";
 * import { solveTargets } from "./build.ts";
 * const run = { environment: processEnvironment() };
 * const results = await solveTargets({ hello: { state: image("busybox").run("echo hi"), image: "hello:dev" } }, {}, run);
 * console.log(results.hello.exporterResponse["containerimage.digest"]);
 * ```
 */
export async function solveTargets(
  targets: Targets,
  options: BuildTargetsOptions,
  run: BuildRun,
): Promise<Record<string, TargetResult>> {
  const { env, cwd } = run.environment;
  const base = options.base ?? cwd;
  validate("build", "options", optionsSchema, options, options.location);
  const envEpoch = env.SOURCE_DATE_EPOCH;
  const sourceDateEpoch = options.sourceDateEpoch ??
    (envEpoch
      ? validate(
        "build",
        "SOURCE_DATE_EPOCH",
        z.coerce.number().pipe(sourceDateEpochSchema),
        envEpoch,
        undefined,
      )
      : undefined);
  const selected = selectTargets(targets, options.targets, base, options.location, options);
  // One credential store per build: the session serves it to the engine, pushes through the Engine API use it.
  const registryCredentials = new RegistryCredentialStore({ env, logins: options.registryAuth });
  const services = {
    ...sessionServiceOptions(options, base, options.location),
    env,
    registryCredentials,
    stdout: run.environment.stdout,
  };
  const transport = options.transport ??
    await connect(
      run.engines ?? engineCandidates(env, { ...options.engine, host: options.host ?? options.engine?.host }),
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
    const features = await probeEngine(transport, options.signal);
    const settled = await Promise.allSettled(selected.map(async (t) => {
      try {
        const r = await buildAndExport(transport, {
          state: t.state,
          platformStates: t.platformStates,
          dynamic: t.dynamic,
          outputs: t.outputs,
          cacheFrom: t.cacheFrom,
          cacheTo: t.cacheTo,
          attest: options.attest,
          sourceDateEpoch,
          features,
          sharedKey,
          name: t.name,
          credentials: (host) => registryCredentials.get(host),
          noCache: options.noCache,
          signal: cancel.signal,
          onStart: (ref) => options.onStart?.(t.name, ref),
          onStatus: (s) => options.onStatus?.(t.name, s),
          onNotice: options.onNotice && ((m) => options.onNotice!(t.name, m)),
          onDefinition: options.onDefinition && ((d) => options.onDefinition!(t.name, d)),
          services,
        });
        const result: TargetResult = {
          target: t.name,
          ref: r.ref,
          exporterResponse: r.exporterResponse,
          outputs: t.outputs,
          engine: features.kind,
          pushed: r.pushed,
          notices: r.notices,
        };
        return [t.name, result] as const;
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
