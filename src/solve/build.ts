/**
 * Building named targets on one engine: the library behind the CLI.
 *
 * @module
 */
import { hostname } from "node:os";
import { z } from "zod";
import { DrydockError } from "../core/errors.ts";
import type { BuildEnvironment } from "../core/environment.ts";
import type { SourceLocation } from "../core/location.ts";
import { platformSchema } from "../core/platform.ts";
import { validate } from "../core/validate.ts";
import * as pb from "../proto/pb.gen.ts";
import type { StatusResponse } from "../progress/status.ts";
import { RegistryCredentialStore, type RegistryLogin } from "../session/registry_credentials.ts";
import type { EngineAddress } from "../transport/address.ts";
import { connect } from "../transport/connect.ts";
import { discoverEngine, engineCandidates, type EngineSelection } from "../transport/discover.ts";
import type { Transport } from "../transport/transport.ts";
import {
  type AttestOptions,
  attestSchema,
  sourceDateEpochFromEnv,
  sourceDateEpochSchema,
} from "./attestations.ts";
import { cacheExportSchema, cacheImportSchema } from "./cache.ts";
import { type EngineFeatures, type EngineKind, probeEngine } from "./engine_features.ts";
import type { PushResult } from "./engine_push.ts";
import { buildAndExport, type ExportSpec } from "./export.ts";
import { withNodeName } from "./multi_node.ts";
import { builderNodes, type BuilderOption, builderSchema, solveOnNodes } from "./node_build.ts";
import type { PlatformNode } from "./nodes.ts";
import { fanOut } from "./fan_out.ts";
import { type BuildOutput, outputSchema } from "./outputs.ts";
import type { SecretSpec } from "./secret_flag.ts";
import { sessionServiceOptions } from "./session_services.ts";
import { sessionSharedKey } from "./session_key.ts";
import type { SshSpec } from "./ssh_flag.ts";
import type { ShellAccess, ShellOptions } from "./debug_shell.ts";
import { type ResolvedTarget, selectTargets, type TargetOverrides, type Targets } from "./targets.ts";
import type { PersistedCacheReport } from "./persist_save.ts";
import { seedBuild } from "./persist_run.ts";
import { type ContextValue, resolveContextOverrides } from "./context_overrides.ts";

/** Options of {@link solveTargets} (and of the public `buildTargets()`). */
export interface BuildTargetsOptions extends TargetOverrides {
  /** Names of the targets to build. @default every target */
  targets?: readonly string[];
  /** Engine address (`unix://…`, `tcp://…`; `docker+unix://…` for Docker); overrides the environment. */
  host?: string;
  /** A buildx builder or docker context to use, and TLS material for a tcp engine; `host` wins over `engine.host`. */
  engine?: EngineSelection;
  /** Run every step again instead of using cached results. @default false */
  noCache?: boolean;
  /**
   * Neither seed nor save persisted cache mounts (`cache(id, { persist })`, `--no-persist`):
   * they are the engine's own caches, as without `persist`. @default false
   */
  noPersist?: boolean;
  /**
   * Build args every `dockerfile()` of the build receives (its own `args` win), as buildx's
   * `--build-arg`; the CLI passes the predefined proxy args (`http_proxy` ...) here.
   */
  buildArgs?: Readonly<Record<string, string>>;
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
  /**
   * Receives each target's LLB definition as sent, frontends' ops spliced in: an encoded `pb.Definition`,
   * what `buildctl build` reads on stdin.
   */
  onDefinition?: (target: string, definition: Uint8Array) => void;
  /** Cancels the build: the engine stops its steps and the call rejects. */
  signal?: AbortSignal;
  /** Key under which the engine keeps earlier uploads of local directories. @default derived from host and `base` */
  sharedKey?: string;
  /** Directory relative output paths resolve against. @default the working directory */
  base?: string;
  /** Where the build was described, for messages. */
  location?: SourceLocation;
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
  /**
   * Named build contexts replaced for this build, by name (the CLI's `--build-context`): a State, a
   * directory (relative to build.ts), `docker-image://REF` or `target:NAME`. Each name must be one the
   * targets declare with `context()` or `dockerfile()`'s `contexts`.
   */
  contexts?: Readonly<Record<string, ContextValue>>;
  /** Registry logins by host (`ghcr.io`, `localhost:5000`); win over DOCKER_AUTH_CONFIG and ~/.docker/config.json. */
  registryAuth?: Readonly<Record<string, RegistryLogin>>;
  /**
   * A multi-node builder (the CLI's `--node`): each platform is built on the first node that serves it
   * natively, and the platforms' images are joined into one index. A buildx builder with several nodes
   * (`--builder`, `engine.builder`) is one too.
   */
  builder?: BuilderOption;
}

/** What one target's build produced. */
export interface TargetResult {
  /** The target's name. */
  readonly target: string;
  /** The build id (the first one, when outputs needed several solves). */
  readonly ref: string;
  /** The exporters' response: `containerimage.digest`, `image.name`, `containerimage.descriptor` ... */
  readonly exporterResponse: Readonly<Record<string, string>>;
  /** The outputs it was exported to, relative destinations resolved. */
  readonly outputs: readonly BuildOutput[];
  /** The kind of engine that built it. */
  readonly engine: EngineKind;
  /** Images pushed through the Docker Engine API (graphdriver Docker), with their digests. */
  readonly pushed: readonly PushResult[];
  /** Images loaded into Docker from a standalone BuildKit (`load: true`). */
  readonly loaded?: readonly string[];
  /** What drydock did differently from what was asked, and why. */
  readonly notices: readonly string[];
  /** On a multi-node builder: the node that built each platform. */
  readonly nodes?: readonly PlatformNode[];
  /** The persisted cache mounts this target used first: seeded, then saved after the build. */
  readonly persisted?: readonly PersistedCacheReport[];
}

const optionsSchema = z.object({
  outputs: z.array(outputSchema).optional(),
  push: z.boolean().optional(),
  load: z.boolean().optional(),
  platforms: z.array(platformSchema).min(1).optional(),
  cacheFrom: z.array(cacheImportSchema).optional(),
  cacheTo: z.array(cacheExportSchema).optional(),
  attest: attestSchema.optional(),
  sourceDateEpoch: sourceDateEpochSchema.optional(),
  builder: builderSchema.optional(),
  buildArgs: z.record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "names must be ARG names (letters, digits and _)"),
    z.string(),
  ).optional(),
});

/** What a build takes from the program that runs it, besides its options. */
export interface BuildRun {
  /** The process's configuration, read once at the entry point. */
  readonly environment: BuildEnvironment;
  /** The engines to try, when the caller has discovered them already (the CLI does, to check `--host`). */
  readonly engines?: readonly EngineAddress[];
  /** Use this connection instead of discovering an engine (left open afterwards). */
  readonly transport?: Transport;
  /** Interactive shells in build containers (the CLI's `-i` and `--shell`). */
  readonly shell?: InteractiveShells;
}

/**
 * Interactive shells: on a failed `run` step, in its view before it ran (`onError`), and in the named target's
 * final state (`target`). `run` drives each shell on a terminal; the build waits for it.
 */
export interface InteractiveShells {
  readonly onError?: boolean;
  readonly target?: string;
  readonly run: (target: string, access: ShellAccess) => Promise<void>;
}

/**
 * Builds targets on one engine, all at once, and returns what each produced.
 * Prints nothing; failures throw {@link DrydockError}s.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
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
  const sourceDateEpoch = options.sourceDateEpoch ?? sourceDateEpochFromEnv(env);
  const selected = selectTargets(targets, options.targets, base, options.location, options);
  const contexts =
    resolveContextOverrides(options.contexts, targets, selected, base, options.location).states;
  const shellTarget = run.shell?.target;
  if (shellTarget !== undefined && !selected.some((t) => t.name === shellTarget)) {
    throw new DrydockError("E_TARGET", `shell.target "${shellTarget}" is not among the targets built`);
  }
  // One credential store per build: the session serves it to the engine, pushes through the Engine API use it.
  const registryCredentials = new RegistryCredentialStore({ env, logins: options.registryAuth });
  const services = {
    ...sessionServiceOptions(options, base, options.location),
    env,
    registryCredentials,
    stdout: run.environment.stdout,
  };
  const sharedKey = options.sharedKey ?? sessionSharedKey(hostname(), base, []);
  const targetKey = (t: ResolvedTarget) =>
    options.sharedKey ??
      sessionSharedKey(hostname(), base, t.platformStates?.map((p) => p.state) ?? [t.state], contexts);
  const notice = options.onNotice ?? ((_: string, m: string) => console.error(`drydock: ${m}`));
  // Before anything is built: a registry that refuses a persisted copy fails the build here.
  const persist = await seedBuild(
    selected.map((t) => ({ name: t.name, states: t.platformStates?.map((p) => p.state) ?? [t.state] })),
    { base, credentials: (host) => registryCredentials.get(host), signal: options.signal },
    options.noPersist,
    notice,
    cwd,
  );
  const specFor = (
    t: ResolvedTarget,
    features: EngineFeatures,
    signal: AbortSignal,
    node?: string,
  ): ExportSpec => ({
    state: t.state,
    platformStates: t.platformStates,
    dynamic: t.dynamic,
    outputs: t.outputs,
    cacheFrom: t.cacheFrom,
    cacheTo: t.cacheTo,
    attest: options.attest,
    sourceDateEpoch,
    features,
    sharedKey: targetKey(t),
    name: t.name,
    credentials: (host) => registryCredentials.get(host),
    noCache: options.noCache,
    cacheSeeds: persist.cacheSeeds,
    buildArgs: options.buildArgs,
    signal,
    onStart: (ref) => options.onStart?.(t.name, ref),
    onStatus: (s) => options.onStatus?.(t.name, node ? withNodeName(s, node) : s),
    onNotice: options.onNotice && ((m) => options.onNotice!(t.name, node ? `${node}: ${m}` : m)),
    onDefinition: options.onDefinition &&
      ((d) => options.onDefinition!(t.name, pb.Definition.encode(d).finish())),
    services,
    cwd: run.environment.cwd,
    loadInto: dockerToLoadInto(t.outputs, env),
    ...(contexts.size > 0 ? { contexts } : {}),
    ...(run.shell ? { shell: shellFor(run.shell, t.name) } : {}),
  });
  const nodes = run.transport ? undefined : builderNodes(options, env);
  if (nodes) {
    return await solveOnNodes(selected, nodes, specFor, {
      timeoutMs: options.connectTimeoutMs,
      signal: options.signal,
      location: options.location,
      credentials: (host) => registryCredentials.get(host),
      loadInto: dockerToLoadInto(selected.flatMap((t) => t.outputs), env),
      persist: {
        run: persist,
        engine: { sharedKey, services, onStatus: (target, status) => options.onStatus?.(target, status) },
      },
    });
  }
  const transport = run.transport ??
    await connect(
      run.engines ?? engineCandidates(env, { ...options.engine, host: options.host ?? options.engine?.host }),
      {
        timeoutMs: options.connectTimeoutMs,
        signal: options.signal,
      },
    );
  try {
    const features = await probeEngine(transport, options.signal);
    const results = await fanOut(selected, async (t, signal): Promise<TargetResult> => {
      const r = await buildAndExport(transport, specFor(t, features, signal));
      return {
        target: t.name,
        ref: r.ref,
        exporterResponse: r.exporterResponse,
        outputs: t.outputs,
        engine: features.kind,
        pushed: r.pushed,
        notices: r.notices,
        loaded: r.loaded,
      };
    }, options.signal);
    const saved = await persist.save({
      transport,
      features,
      sharedKey,
      services,
      onStatus: (target, status) => options.onStatus?.(target, status),
    });
    for (const { target, report } of saved) {
      results[target] = { ...results[target], persisted: [...results[target].persisted ?? [], report] };
    }
    return results;
  } finally {
    if (!run.transport) await transport.close();
  }
}

function shellFor(shell: InteractiveShells, target: string): ShellOptions {
  return {
    onError: shell.onError ?? false,
    atEnd: shell.target === target,
    run: (access) => shell.run(target, access),
  };
}

/** The Docker Engine `load: true` outputs go into (`DOCKER_HOST`, the docker context, the default socket). */
function dockerToLoadInto(
  outputs: readonly BuildOutput[],
  env: Readonly<Record<string, string | undefined>>,
): EngineAddress | undefined {
  if (!outputs.some((o) => o.type === "image" && o.load)) return undefined;
  return discoverEngine({ ...env, BUILDKIT_HOST: undefined });
}
