/**
 * What one engine can do, as its LLBBridge `Ping` reports it.
 *
 * @module
 */
import type { PongResponse } from "../proto/moby_buildkit_v1_frontend.gen.ts";
import type { APICap } from "../proto/moby_buildkit_v1_apicaps.gen.ts";

/** Why a cap cannot be used: unknown to the engine, or disabled (with the engine's reason). */
export type CapProblem = { readonly kind: "unknown" } | {
  readonly kind: "disabled";
  readonly reason: string;
};

/**
 * An engine's LLB and gateway caps, and how to name the engine in messages.
 *
 * @example
 * ```ts
 * import { EngineCaps } from "./engine_caps.ts";
 * const caps = EngineCaps.fromPong({ llbCaps: [{ id: "mergeop", enabled: false, disabledReasonMsg: "no" }] }, "test engine");
 * caps.supports("mergeop"); // false
 * ```
 */
export class EngineCaps {
  constructor(
    readonly llb: ReadonlyMap<string, APICap>,
    readonly gateway: ReadonlyMap<string, APICap>,
    /** The engine, for messages: "the Docker engine at unix:///run/docker.sock". */
    readonly description: string,
  ) {}

  /**
   * Reads a Ping response.
   *
   * @example
   * ```ts
   * import { EngineCaps } from "./engine_caps.ts";
   * EngineCaps.fromPong({}, "an engine").supports("source.image"); // false
   * ```
   */
  static fromPong(pong: PongResponse, description: string): EngineCaps {
    const byId = (caps: APICap[] | undefined) => new Map((caps ?? []).map((c) => [c.id ?? "", c]));
    return new EngineCaps(byId(pong.llbCaps), byId(pong.frontendAPICaps), description);
  }

  /**
   * Whether an LLB cap is known and enabled.
   *
   * @example
   * ```ts
   * import { EngineCaps } from "./engine_caps.ts";
   * EngineCaps.fromPong({ llbCaps: [{ id: "diffop", enabled: true }] }, "e").supports("diffop"); // true
   * ```
   */
  supports(id: string): boolean {
    return this.problem(id) === undefined;
  }

  /**
   * Why an LLB cap (or, with `gateway`, a gateway cap) cannot be used; `undefined` when it can.
   *
   * @example
   * ```ts
   * import { EngineCaps } from "./engine_caps.ts";
   * EngineCaps.fromPong({}, "e").problem("mergeop"); // { kind: "unknown" }
   * ```
   */
  problem(id: string, gateway = false): CapProblem | undefined {
    const cap = (gateway ? this.gateway : this.llb).get(id);
    if (!cap) return { kind: "unknown" };
    if (!cap.enabled) return { kind: "disabled", reason: cap.disabledReasonMsg || cap.disabledReason || "" };
    return undefined;
  }
}
