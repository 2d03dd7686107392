/**
 * Resolving frontend nodes (`dockerfile()`) inside a gateway solve: the engine
 * runs the frontend on our input definitions and hands back the LLB it made,
 * which the lowering then splices into our own definition.
 *
 * @module
 */
import type { FrontendNode, OpNode } from "../dsl/graph.ts";
import { GatewayCap } from "../llb/caps.ts";
import { CapabilityError, checkCaps } from "../llb/caps_check.ts";
import type { EngineCaps } from "../llb/engine_caps.ts";
import { marshal, type MarshalOptions } from "../llb/marshal.ts";
import { stateOf } from "../dsl/sources.ts";
import { LLBBridgeService } from "../proto/moby_buildkit_v1_frontend.gen.ts";
import type * as pb from "../proto/pb.gen.ts";
import type { CallOptions, RpcClient } from "../transport/rpc.ts";
import { RpcError } from "../transport/rpc.ts";
import { BuildError } from "./errors.ts";

/**
 * Runs every frontend node of `nodes` (given dependencies first) and returns the
 * definition each produced. A frontend whose inputs contain another frontend
 * sees that one's result spliced in already.
 *
 * @example
 * ```ts
 * import { dockerfile, local } from "@drydock/core";
 * import { graphNodes } from "../llb/graph_walk.ts";
 * import { resolveFrontends } from "./frontends.ts";
 * // inside a gateway solve:
 * // const results = await resolveFrontends(rpc, bridge, graphNodes(dockerfile(local("."))), caps, {});
 * ```
 */
export async function resolveFrontends(
  rpc: RpcClient,
  bridge: CallOptions,
  nodes: readonly OpNode[],
  caps: EngineCaps,
  options: MarshalOptions,
): Promise<Map<FrontendNode, pb.Definition>> {
  const results = new Map<FrontendNode, pb.Definition>();
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
    const inputs: Record<string, pb.Definition> = {};
    for (const [name, output] of Object.entries(node.inputs)) {
      if (!output) continue;
      // Lowered for this engine like the rest of the build: fallbacks used, caps checked.
      const lowered = marshal(stateOf(output), { ...options, caps, frontendResults: results });
      checkCaps(lowered, caps);
      if (lowered.definition) inputs[name] = lowered.definition;
    }
    let res;
    try {
      res = await rpc.unary(LLBBridgeService.solve, {
        frontend: node.frontend,
        frontendOpt: { ...node.attrs },
        frontendInputs: inputs,
        allowResultReturn: true,
        allowResultArrayRef: true,
      }, bridge);
    } catch (err) {
      const message = err instanceof RpcError ? err.details : String(err);
      throw new BuildError(`${node.name}: ${message}`, undefined, node.location, { cause: err });
    }
    const def = res.result?.ref?.def;
    if (!def?.def?.length) {
      throw new BuildError(`${node.name}: the frontend returned no definition`, undefined, node.location);
    }
    results.set(node, def);
  }
  return results;
}
