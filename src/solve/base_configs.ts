/**
 * Resolving the configs of base images through the engine
 * (`LLBBridge.ResolveImageConfig`, inside the gateway solve), so that `run`
 * steps and the exported image start from them, as a Dockerfile's do.
 *
 * @module
 */
import type { ContextNode, OpNode, Output } from "../dsl/graph.ts";
import type { InheritedConfig } from "../dsl/step_settings.ts";
import { type State, stateData } from "../dsl/state.ts";
import { baseConfigKey } from "../llb/base_config.ts";
import { contextInput, type ContextOverrides, graphNodes } from "../llb/graph_walk.ts";
import { LLBBridgeService } from "../proto/moby_buildkit_v1_frontend.gen.ts";
import type { CallOptions, RpcClient } from "../transport/rpc.ts";
import type { ContainerConfig } from "./image_config.ts";

/** A base image's config as the engine returned it (only the parts we read are typed). */
export interface BaseImage {
  readonly config?: ContainerConfig;
}

/**
 * Every base image (at its platform) whose config the states' `run` steps or
 * exported images inherit, with `contexts` replacing the named contexts they name.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { baseImagesOf } from "./base_configs.ts";
 * baseImagesOf([image("busybox").run("true")]).map((b) => b.image); // ["docker.io/library/busybox:latest"]
 * ```
 */
export function baseImagesOf(states: readonly State[], contexts?: ContextOverrides): InheritedConfig[] {
  const found = new Map<string, InheritedConfig>();
  const add = (i: InheritedConfig | undefined) => {
    // A frontend's result brings its config with it, a context's is the one it stands for: no image to look up.
    if (i && !i.frontend && !i.context) found.set(baseConfigKey(i.image, i.platform), i);
  };
  const seen = new Set<OpNode>();
  const visit = (o: Output | null | undefined) => {
    if (!o || seen.has(o.op)) return;
    seen.add(o.op);
    const node = o.op;
    if (node.kind === "exec") {
      add(node.inherit);
      for (const m of node.mounts) visit((m as { source?: Output | null }).source);
    } else if (node.kind === "file") {
      visit(node.base);
      for (const a of node.actions) {
        add(a.pathBase);
        if (a.kind === "mkdir") add(a.ownerBase);
        if (a.kind === "copy") add(a.srcBase);
        visit((a as { source?: Output | null }).source);
      }
    } else if (node.kind === "context") {
      add(chosenBase(node, contexts));
      visit(contextInput(node, contexts));
    }
  };
  for (const s of states) {
    const data = stateData(s);
    add(data.settings.inherit);
    visit(data.output);
  }
  return [...found.values()];
}

/** The base config a context stands for: its override's, else its default's. */
function chosenBase(node: ContextNode, contexts: ContextOverrides | undefined): InheritedConfig | undefined {
  const override = contexts?.get(node.contextName);
  return override ? stateData(override).settings.inherit : node.config?.default;
}

/**
 * The key of each `context()` config in the graphs of `states` (see `ContextNode.config`), with the
 * base config it stands for in this build (`undefined`: none, e.g. a directory).
 *
 * @example
 * ```ts
 * import { context, image } from "@drydock/core";
 * import { contextBases } from "./base_configs.ts";
 * [...contextBases([context("base", image("busybox")).run("true")]).values()][0]?.image; // "docker.io/library/busybox:latest"
 * ```
 */
export function contextBases(
  states: readonly State[],
  contexts?: ContextOverrides,
): Map<string, InheritedConfig | undefined> {
  const bases = new Map<string, InheritedConfig | undefined>();
  for (const state of states) {
    for (const node of graphNodes(state, contexts)) {
      if (node.kind !== "context" || !node.config) continue;
      bases.set(
        baseConfigKey(node.config.alias.image, node.config.alias.platform),
        chosenBase(node, contexts),
      );
    }
  }
  return bases;
}

/**
 * `configs` with an entry for each context key of `bases`: the entry of the config it stands for
 * (through contexts of contexts), or `none` (no entry when `none` is undefined).
 *
 * @example
 * ```ts
 * import { withContextBases } from "./base_configs.ts";
 * const p = { os: "linux", architecture: "amd64" };
 * const bases = new Map([["context(base)#1 linux/amd64", { image: "i", platform: p, cwd: true, user: true }]]);
 * withContextBases(new Map([["i linux/amd64", 1]]), bases, 0).get("context(base)#1 linux/amd64"); // 1
 * ```
 */
export function withContextBases<T>(
  configs: ReadonlyMap<string, T>,
  bases: ReadonlyMap<string, InheritedConfig | undefined>,
  none?: T,
): Map<string, T> {
  const out = new Map(configs);
  for (const [key, base] of bases) {
    let b = base;
    // A context's default may be another context: follow the chain (overrides cannot make it a cycle).
    for (let hops = 0; b?.context && hops < bases.size; hops++) {
      b = bases.get(baseConfigKey(b.image, b.platform));
    }
    const value = b && !b.context ? configs.get(baseConfigKey(b.image, b.platform)) : undefined;
    const entry = value ?? none;
    if (entry !== undefined) out.set(key, entry);
  }
  return out;
}

/**
 * Asks the engine for each base image's config; keyed by `baseConfigKey`.
 * The engine shows each lookup as an `[internal] load metadata` step.
 *
 * @example
 * ```ts
 * import { resolveBaseConfigs } from "./base_configs.ts";
 * // const configs = await resolveBaseConfigs(transport.rpc, bases, { metadata: { "buildkit-controlapi-buildid": ref } });
 * ```
 */
export async function resolveBaseConfigs(
  rpc: RpcClient,
  bases: readonly InheritedConfig[],
  bridge: CallOptions,
): Promise<Map<string, BaseImage>> {
  const entries = await Promise.all(bases.map(async (b) => {
    const res = await rpc.unary(LLBBridgeService.resolveImageConfig, {
      ref: b.image,
      platform: { os: b.platform.os, architecture: b.platform.architecture, variant: b.platform.variant },
      logName: `[internal] load metadata for ${b.image}`,
    }, bridge);
    const bytes = res.config ?? new Uint8Array();
    const config = bytes.byteLength > 0 ? JSON.parse(new TextDecoder().decode(bytes)) as BaseImage : {};
    return [baseConfigKey(b.image, b.platform), config] as const;
  }));
  return new Map(entries);
}
