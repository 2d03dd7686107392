/**
 * Building named targets on one engine: the library behind the CLI.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { z } from "zod";
import { DrydockError } from "../core/errors.ts";
import type { BuildEnvironment } from "../core/environment.ts";
import type { SourceLocation } from "../core/location.ts";
import { platformSchema } from "../core/platform.ts";
import { validate } from "../core/validate.ts";
import type { StatusResponse } from "../proto/moby_buildkit_v1.gen.ts";
import type * as pb from "../proto/pb.gen.ts";
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
import { type EngineKind, probeEngine } from "./engine_features.ts";
import type { PushResult } from "./engine_push.ts";
import { buildAndExport } from "./export.ts";
import { fanOut } from "./fan_out.ts";
import { type BuildOutput, outputSchema } from "./outputs.ts";
import type { SecretSpec } from "./secret_flag.ts";
import { sessionServiceOptions } from "./session_services.ts";
import type { SshSpec } from "./ssh_flag.ts";
import type { ShellAccess, ShellOptions } from "./debug_shell.ts";
import { selectTargets, type TargetOverrides, type Targets } from "./targets.ts";
import { aboutMount, findPersistedMounts, seedPersisted } from "./persisted_cache.ts";
import { type PersistedCacheReport, savePersisted } from "./persist_save.ts";

/** Options of {@link solveTargets} (and of the public `buildTargets()`). */
export interface BuildTargetsOptions extends TargetOverrides {
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
  /** Receives each target's definition as sent, frontends' ops spliced in. */
  onDefinition?: (target: string, definition: pb.Definition) => void;
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
   * Interactive shells (the CLI's `-i` and `--shell`): on a failed `run` step, in its view before it ran, and
   * in the named target's final state. `run` drives each shell on a terminal; the build waits for it.
   */
  shell?: { onError?: boolean; target?: string; run: (target: string, access: ShellAccess) => Promise<void> };
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
  /** Images loaded into Docker from a standalone BuildKit (`load: true`). */
  readonly loaded?: readonly string[];
  /** What drydock did differently from what was asked, and why. */
  readonly notices: readonly string[];
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
  const shellTarget = options.shell?.target;
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
  const persisted = options.noPersist ? [] : findPersistedMounts(
    selected.map((t) => ({ name: t.name, states: t.platformStates?.map((p) => p.state) ?? [t.state] })),
  );
  const access = {
    base,
    credentials: (host: string) => registryCredentials.get(host),
    signal: options.signal,
  };
  const notice = options.onNotice ?? ((_: string, m: string) => console.error(`drydock: ${m}`));
  try {
    const features = await probeEngine(transport, options.signal);
    // Before anything is built: a registry that refuses the copy fails the build here.
    const seeds = await Promise.all(persisted.map((m) => seedPersisted(m, access)));
    for (const s of seeds) {
      if (s.warning) notice(s.mount.targetName, aboutMount(s.mount, s.warning)(run.environment.cwd));
    }
    const cacheSeeds = new Map(seeds.map((s) => [s.mount.id, s.seed]));
    const results = await fanOut(selected, async (t, signal): Promise<TargetResult> => {
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
        cacheSeeds,
        buildArgs: options.buildArgs,
        signal,
        onStart: (ref) => options.onStart?.(t.name, ref),
        onStatus: (s) => options.onStatus?.(t.name, s),
        onNotice: options.onNotice && ((m) => options.onNotice!(t.name, m)),
        onDefinition: options.onDefinition && ((d) => options.onDefinition!(t.name, d)),
        services,
        cwd: run.environment.cwd,
        loadInto: dockerToLoadInto(t.outputs, env),
        ...(options.shell ? { shell: shellFor(options.shell, t.name) } : {}),
      });
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
    // One at a time after every target: the copies hold what the whole build left in the caches.
    for (const s of seeds) {
      const report = await savePersisted(s, {
        ...access,
        transport,
        features,
        sharedKey,
        cacheSeeds,
        services,
        onStatus: (status) => options.onStatus?.(s.mount.targetName, status),
      });
      const r = results[s.mount.targetName];
      results[s.mount.targetName] = { ...r, persisted: [...r.persisted ?? [], report] };
    }
    return results;
  } finally {
    if (!options.transport) await transport.close();
  }
}

function shellFor(shell: NonNullable<BuildTargetsOptions["shell"]>, target: string): ShellOptions {
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
