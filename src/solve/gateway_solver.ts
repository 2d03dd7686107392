/**
 * Solving states inside one gateway build: the definition sent for a state
 * (base image configs, frontends, caps, step names) and the engine's ref for
 * it. The final result and every state a dynamic target reads go through here,
 * so they share one build: its progress, its cache, its error locations.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import type { Platform } from "../dsl/graph.ts";
import type { State } from "../dsl/state.ts";
import { baseConfigKey } from "../llb/base_config.ts";
import { checkCaps } from "../llb/caps_check.ts";
import type { EngineCaps } from "../llb/engine_caps.ts";
import { graphNodes } from "../llb/graph_walk.ts";
import { marshal } from "../llb/marshal.ts";
import type { MarshalOptions, MarshalResult } from "../llb/marshal_types.ts";
import { LLBBridgeService } from "../proto/moby_buildkit_v1_frontend.gen.ts";
import type * as pb from "../proto/pb.gen.ts";
import type { CallOptions, RpcClient } from "../transport/rpc.ts";
import type { SecretUse, SshUse } from "../llb/uses.ts";
import {
  type BaseImage,
  baseImagesOf,
  contextBases,
  resolveBaseConfigs,
  withContextBases,
} from "./base_configs.ts";
import { readDockerignores } from "./dockerignore.ts";
import { exportedImageConfig } from "./exported_config.ts";
import type { FrontendImage } from "./frontend_result.ts";
import { type FrontendDefaults, resolveFrontends } from "./frontends.ts";
import type { SolveFindings } from "./solve_findings.ts";
import { type StageReader, stepNames, withStepNames } from "./step_names.ts";

/** What the session of the build serves, for states first seen while the build runs. */
export interface SessionView {
  /** Local directories by name; states solved later add theirs here. */
  readonly localDirs: Map<string, string>;
  /** Secret and ssh agent ids served; ids added with `serve` join them. */
  readonly secrets: Set<string>;
  readonly sshAgents: Set<string>;
  readonly entitlements: ReadonlySet<string>;
  /** Starts serving secrets and agents first used while the build runs (read and checked like the first). */
  readonly serve: (
    uses: {
      readonly secrets: ReadonlyMap<string, SecretUse>;
      readonly sshAgents: ReadonlyMap<string, SshUse>;
    },
  ) => Promise<void>;
}

/** Everything the solver shares with the build around it. */
export interface GatewaySolverOptions {
  readonly rpc: RpcClient;
  readonly bridge: CallOptions;
  readonly caps: EngineCaps;
  readonly marshalOptions: MarshalOptions;
  readonly cacheImports: readonly { type?: string; attrs?: Record<string, string> }[];
  /** The target's name, for step names. */
  readonly name: string;
  readonly stages: StageReader;
  /** Learns each solved op's build.ts location and progress name, for error reports. */
  readonly findings: SolveFindings;
  readonly session: SessionView;
  readonly onNotice: (message: string) => void;
  readonly onDefinition?: (definition: pb.Definition) => void;
  /** Options every frontend (`dockerfile()`) of the build gets: build args, `--no-cache`. */
  readonly frontendDefaults?: FrontendDefaults;
}

/** One state solved: the engine's ref (empty for the empty filesystem) and what was sent. */
export interface SolvedState {
  readonly id: string;
  readonly marshalled: MarshalResult;
  /** The image configs its frontends made, by the `baseConfigKey` of the states built on them. */
  readonly frontendImages: ReadonlyMap<string, FrontendImage>;
}

/**
 * Solves states in one gateway build; each state is sent once, however often it is asked for.
 *
 * @example
 * ```ts
 * import { GatewaySolver } from "./gateway_solver.ts";
 * // const solver = new GatewaySolver({ rpc, bridge, caps, ... });
 * // const { id } = await solver.solve(image("busybox").run("true"));
 * ```
 */
export class GatewaySolver {
  readonly #options: GatewaySolverOptions;
  readonly #bases = new Map<string, Promise<BaseImage>>();
  readonly #solved = new WeakMap<State, Map<string, Promise<SolvedState>>>();
  readonly #byDigest = new Map<string, Promise<SolvedState>>();
  readonly #sent: pb.Definition[] = [];
  #noticesShown = false;

  constructor(options: GatewaySolverOptions) {
    this.#options = options;
  }

  get caps(): EngineCaps {
    return this.#options.caps;
  }

  get rpc(): RpcClient {
    return this.#options.rpc;
  }

  get bridge(): CallOptions {
    return this.#options.bridge;
  }

  /** What the build's session serves. */
  get session(): SessionView {
    return this.#options.session;
  }

  /** Every definition sent so far (to find a failed step's op in). */
  get definitions(): readonly pb.Definition[] {
    return this.#sent;
  }

  /**
   * Sends a definition made from sent ones (e.g. a failed step's input) and gives its ref.
   *
   * @example
   * ```ts
   * // const ref = await solver.solveDefinition(inputDefinition(run, 0));
   * ```
   */
  async solveDefinition(definition: pb.Definition): Promise<string> {
    const res = await this.#options.rpc.unary(LLBBridgeService.solve, {
      definition,
      allowResultReturn: true,
      allowResultArrayRef: true,
    }, this.#options.bridge);
    return res.result?.ref?.id ?? res.result?.refDeprecated ?? res.ref ?? "";
  }

  /**
   * Builds `state` now, before its ref is used: with `gateway.solve.evaluate`, else an `Evaluate` call, else
   * by reading its root's metadata (which builds it on every engine with `statfile`).
   *
   * @example
   * ```ts
   * // const { id } = await solver.evaluate(state); // a failing step fails here
   * ```
   */
  async evaluate(state: State, platform?: Platform): Promise<SolvedState> {
    if (!this.caps.problem("gateway.solve.evaluate", true)) {
      return await this.solve(state, { evaluate: true, platform });
    }
    const solved = await this.solve(state, { platform });
    if (!solved.id) return solved;
    const { rpc, bridge } = this.#options;
    if (!this.caps.problem("gateway.evaluate", true)) {
      await rpc.unary(LLBBridgeService.evaluate, { ref: solved.id }, bridge);
    } else if (!this.caps.problem("statfile", true)) {
      // Older engines (BuildKit 0.8) build a ref when its files are first read.
      await rpc.unary(LLBBridgeService.statFile, { ref: solved.id, path: "/" }, bridge);
    }
    return solved;
  }

  /** The configs of the base images `states` inherit, resolved once per image and platform. */
  async baseConfigs(states: readonly State[]): Promise<Map<string, BaseImage>> {
    const { rpc, bridge } = this.#options;
    const wanted = baseImagesOf(states, this.#options.marshalOptions.contexts);
    for (const b of wanted) {
      const key = baseConfigKey(b.image, b.platform);
      if (!this.#bases.has(key)) {
        const config = resolveBaseConfigs(rpc, [b], bridge).then((m) => m.get(key) ?? {});
        config.catch(() => {/* awaited below */});
        this.#bases.set(key, config);
      }
    }
    const resolved = new Map(
      await Promise.all(wanted.map(async (b) => {
        const key = baseConfigKey(b.image, b.platform);
        return [key, await this.#bases.get(key)!] as const;
      })),
    );
    // States built on a context() start from the config of what it stands for in this build.
    return withContextBases(resolved, contextBases(states, this.#options.marshalOptions.contexts), {});
  }

  /**
   * The image config to return with `state` as the build's result.
   *
   * @example
   * ```ts
   * // const config = await solver.imageConfigBytes(state, { os: "linux", architecture: "amd64" });
   * ```
   */
  async imageConfigBytes(
    state: State,
    platform: Platform,
    frontendImages: ReadonlyMap<string, FrontendImage> = new Map(),
  ): Promise<Uint8Array> {
    const bases = await this.baseConfigs([state]);
    return new TextEncoder().encode(
      JSON.stringify(exportedImageConfig(state, bases, frontendImages, platform)),
    );
  }

  /**
   * Sends `state`'s definition (once per state and platform) and gives its ref. With
   * `evaluate`, the engine builds it before answering, where it can. `platform` is the
   * one frontends given none build for (a target's platforms).
   */
  solve(state: State, options: { evaluate?: boolean; platform?: Platform } = {}): Promise<SolvedState> {
    let byPlatform = this.#solved.get(state);
    if (!byPlatform) this.#solved.set(state, byPlatform = new Map());
    const key = options.platform ? baseConfigKey("", options.platform) : "";
    let solved = byPlatform.get(key);
    if (!solved) {
      solved = this.#solve(state, options.evaluate ?? false, options.platform);
      byPlatform.set(key, solved);
    }
    return solved;
  }

  async #solve(state: State, evaluate: boolean, platform: Platform | undefined): Promise<SolvedState> {
    const o = this.#options;
    const nodes = graphNodes(state, o.marshalOptions.contexts);
    const localExcludes = new Map([
      ...(o.marshalOptions.localExcludes ?? []),
      ...await readDockerignores(nodes),
    ]);
    const marshalOptions = { ...o.marshalOptions, localExcludes };
    const bases = await this.baseConfigs([state]);
    const baseConfigs = new Map([...bases].map(([k, v]) => [k, v.config ?? {}]));
    const frontends = await resolveFrontends(o.rpc, o.bridge, nodes, o.caps, {
      ...marshalOptions,
      baseConfigs,
    }, {
      ...o.frontendDefaults,
      platform,
    });
    for (const [k, v] of frontends.images) baseConfigs.set(k, v.config ?? {});
    // A context that stands for a frontend's result (dockerfile()) has its config too.
    const aliases = contextBases([state], o.marshalOptions.contexts);
    for (const [k, v] of withContextBases(baseConfigs, aliases)) baseConfigs.set(k, v);
    const frontendResults = frontends.definitions;
    const frontendImages = withContextBases(frontends.images, aliases);
    const m = marshal(state, { ...marshalOptions, caps: o.caps, frontendResults, baseConfigs });
    checkCaps(m, o.caps);
    this.#checkSession(m);
    await this.serveSession(m);
    if (!this.#noticesShown) {
      this.#noticesShown = true;
      for (const notice of m.notices) o.onNotice(notice);
    }
    o.findings.learn(m);
    const stepped = stepNames(m.ops, (l) => o.stages.stageAt(l), o.name);
    o.findings.nameSteps(stepped);
    if (!m.definition) return { id: "", marshalled: m, frontendImages };
    // Two State objects with the same graph are one solve.
    const key = `${m.ops.at(-1)!.digest}\n${evaluate}`;
    const known = this.#byDigest.get(key);
    if (known) return { ...(await known), marshalled: m, frontendImages };
    const definition = withStepNames(m.definition, stepped);
    this.#sent.push(definition);
    o.onDefinition?.(definition);
    const sent = o.rpc.unary(LLBBridgeService.solve, {
      definition,
      allowResultReturn: true,
      allowResultArrayRef: true,
      cacheImports: [...o.cacheImports],
      ...(evaluate ? { evaluate: true } : {}),
    }, o.bridge).then((res) => ({
      id: res.result?.ref?.id ?? res.result?.refDeprecated ?? res.ref ?? "",
      marshalled: m,
      frontendImages,
    }));
    this.#byDigest.set(key, sent);
    return await sent;
  }

  /**
   * Serves the secrets and agents `m` uses that the session does not serve yet (a dynamic target's states
   * may use some no state known at the start did).
   *
   * @example
   * ```ts
   * // await solver.serveSession({ secrets: m.secrets, sshAgents: m.sshAgents });
   * ```
   */
  async serveSession(
    m: { readonly secrets: ReadonlyMap<string, SecretUse>; readonly sshAgents: ReadonlyMap<string, SshUse> },
  ): Promise<void> {
    const { session } = this.#options;
    const secrets = new Map([...m.secrets].filter(([id]) => !session.secrets.has(id)));
    const sshAgents = new Map([...m.sshAgents].filter(([id]) => !session.sshAgents.has(id)));
    if (secrets.size === 0 && sshAgents.size === 0) return;
    await session.serve({ secrets, sshAgents });
    for (const id of secrets.keys()) session.secrets.add(id);
    for (const id of sshAgents.keys()) session.sshAgents.add(id);
  }

  // Entitlements are requested when the build starts; a state first seen while it runs cannot add one.
  #checkSession(m: MarshalResult): void {
    const { session } = this.#options;
    for (const [name, dir] of m.localDirs) session.localDirs.set(name, dir);
    for (const e of m.entitlements) {
      if (!session.entitlements.has(e)) {
        throw new DrydockError(
          "E_DYNAMIC",
          `a state a dynamic target made while building needs the "${e}" entitlement, which the build did not ` +
            `request when it started; a dynamic target cannot add entitlements yet`,
        );
      }
    }
  }
}
