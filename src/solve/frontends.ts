/**
 * Resolving frontend nodes (`dockerfile()`) inside a gateway solve: the engine
 * runs the frontend on our input definitions and hands back the LLB it made,
 * which the lowering then splices into our own definition, with the image
 * config it made for the states built on it.
 *
 * @module
 */
import type { FrontendNode, OpNode, Platform } from "../dsl/graph.ts";
import { baseConfigKey } from "../llb/base_config.ts";
import { GatewayCap } from "../llb/caps.ts";
import { CapabilityError, checkCaps } from "../llb/caps_check.ts";
import { frontendInputs } from "../llb/graph_walk.ts";
import type { EngineCaps } from "../llb/engine_caps.ts";
import { marshal } from "../llb/marshal.ts";
import type { MarshalOptions } from "../llb/marshal_types.ts";
import { stateOf } from "../dsl/sources.ts";
import { LLBBridgeService } from "../proto/moby_buildkit_v1_frontend.gen.ts";
import type * as pb from "../proto/pb.gen.ts";
import type { CallOptions, RpcClient } from "../transport/rpc.ts";
import { RpcError } from "../transport/rpc.ts";
import { BuildError } from "./errors.ts";
import { type FrontendImage, readFrontendResult } from "./frontend_result.ts";

/** Frontend options every frontend of a build gets (its own attrs win), and its platform. */
export interface FrontendDefaults {
  /** `build-arg:SOURCE_DATE_EPOCH`, the predefined proxy args, `no-cache` of a `--no-cache` build. */
  readonly attrs?: Readonly<Record<string, string>>;
  /** The platform being built, for frontends given none: one per platform of a multi-platform target. */
  readonly platform?: Platform;
}

/** What the frontends of one platform's graph produced. */
export interface ResolvedFrontends {
  /** Each frontend's definition, `null` for the empty filesystem, for the lowering to splice in. */
  readonly definitions: Map<FrontendNode, pb.Definition | null>;
  /** Each frontend's image config, by the `baseConfigKey` of the states built on it. */
  readonly images: Map<string, FrontendImage>;
}

/**
 * Runs every frontend node of `nodes` (given dependencies first) and returns the
 * definition and image config each produced. A frontend whose inputs contain
 * another frontend sees that one's result spliced in already, and steps built on
 * it start from its image config.
 *
 * @example
 * ```ts
 * import { dockerfile, local } from "@drydock/core";
 * import { graphNodes } from "../llb/graph_walk.ts";
 * import { resolveFrontends } from "./frontends.ts";
 * // inside a gateway solve:
 * // const { definitions, images } = await resolveFrontends(rpc, bridge, graphNodes(dockerfile(local("."))), caps, {});
 * ```
 */
export async function resolveFrontends(
  rpc: RpcClient,
  bridge: CallOptions,
  nodes: readonly OpNode[],
  caps: EngineCaps,
  options: MarshalOptions,
  defaults: FrontendDefaults = {},
): Promise<ResolvedFrontends> {
  const definitions = new Map<FrontendNode, pb.Definition | null>();
  const images = new Map<string, FrontendImage>();
  const baseConfigs = new Map(options.baseConfigs ?? []);
  for (const node of nodes) {
    if (node.kind !== "frontend") continue;
    const problem = caps.problem(GatewayCap.frontendInputs, true);
    if (problem) {
      throw new CapabilityError([{
        cap: GatewayCap.frontendInputs,
        feature: "dockerfile()",
        location: node.location,
        problem,
      }], caps.description);
    }
    // Named contexts the build replaces (--build-context) reach the frontend replaced.
    const given = frontendInputs(node, options.contexts);
    const inputs: Record<string, pb.Definition> = {};
    for (const [name, output] of Object.entries(given.inputs)) {
      if (!output) continue;
      // Lowered for this engine like the rest of the build: fallbacks used, caps checked.
      const lowered = marshal(stateOf(output), {
        ...options,
        caps,
        frontendResults: definitions,
        baseConfigs,
      });
      checkCaps(lowered, caps);
      if (lowered.definition) inputs[name] = lowered.definition;
    }
    let outcome;
    try {
      const res = await rpc.unary(LLBBridgeService.solve, {
        frontend: node.frontend,
        frontendOpt: frontendOptions(given, defaults),
        frontendInputs: inputs,
        allowResultReturn: true,
        allowResultArrayRef: true,
      }, bridge);
      outcome = readFrontendResult(res.result, node.name ?? node.frontend);
    } catch (err) {
      const message = err instanceof RpcError ? `${node.name}: ${err.details}` : (err as Error).message;
      throw new BuildError(message, undefined, node.location, { cause: err });
    }
    definitions.set(node, outcome.definition);
    if (node.config && outcome.image) {
      const key = baseConfigKey(node.config.image, node.config.platform);
      images.set(key, outcome.image);
      baseConfigs.set(key, outcome.image.config ?? {});
    }
  }
  return { definitions, images };
}

/**
 * The options a frontend node is solved with: the build's defaults, then the
 * node's own; a `--no-cache` build re-runs every stage whatever the node says.
 *
 * @example
 * ```ts
 * import { dockerfile, local } from "../../mod.ts";
 * import { frontendOptions } from "./frontends.ts";
 * import { stateData } from "../dsl/state.ts";
 * const node = stateData(dockerfile(local("."))).output!.op;
 * // frontendOptions(node, { platform: { os: "linux", architecture: "arm64" } }).platform === "linux/arm64"
 * ```
 */
export function frontendOptions(
  node: Pick<FrontendNode, "attrs">,
  defaults: FrontendDefaults,
): Record<string, string> {
  const opt: Record<string, string> = { ...defaults.attrs, ...node.attrs };
  if (defaults.attrs?.["no-cache"] !== undefined) opt["no-cache"] = defaults.attrs["no-cache"];
  if (!node.attrs.platform && defaults.platform) {
    const p = defaults.platform;
    opt.platform = [p.os, p.architecture, p.variant].filter(Boolean).join("/");
  }
  return opt;
}

/**
 * The defaults of a build's frontends, as buildx sends them: the build's
 * `build-arg:`s (SOURCE_DATE_EPOCH, the proxy args), `no-cache` for `--no-cache`,
 * and the platform being built when the target names its platforms.
 *
 * @example
 * ```ts
 * import { frontendDefaults } from "./frontends.ts";
 * frontendDefaults({ exports: { frontendAttrs: { "build-arg:SOURCE_DATE_EPOCH": "0" } }, noCache: true });
 * // { attrs: { "build-arg:SOURCE_DATE_EPOCH": "0", "no-cache": "" }, platform: undefined }
 * ```
 */
export function frontendDefaults(
  spec: {
    readonly exports: { readonly frontendAttrs?: Readonly<Record<string, string>> };
    readonly noCache?: boolean;
  },
  platform?: Platform,
): FrontendDefaults {
  const attrs = Object.fromEntries(
    Object.entries(spec.exports.frontendAttrs ?? {}).filter(([k]) => k.startsWith("build-arg:")),
  );
  if (spec.noCache) attrs["no-cache"] = "";
  return { attrs, platform };
}
