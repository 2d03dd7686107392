/**
 * `--print` and `--dot`: one target's LLB, as JSON lines or a Graphviz graph,
 * compiled here; the base image configs its steps inherit are resolved
 * through an engine when one answers, as a build resolves them.
 *
 * @module
 */
import { scratch } from "../dsl/sources.ts";
import { baseConfigKey, type BaseConfigs, type BaseRunConfig } from "../llb/base_config.ts";
import { definitionDot } from "../llb/dot.ts";
import { formatDump } from "../llb/dump.ts";
import { marshal } from "../llb/marshal.ts";
import type { ContextOverrides } from "../llb/graph_walk.ts";
import type { ResolvedTarget, Targets } from "../solve/targets.ts";
import { baseImagesOf } from "../solve/base_configs.ts";
import { UsageError } from "./usage_error.ts";

/** How to show the LLB. */
export type LlbFormat = "json" | "dot";

/**
 * The target's LLB: `json` is one JSON object per op, the terminal op last
 * (as `buildctl debug dump-llb` prints it); `dot` is a DOT digraph. Frontend
 * calls (`dockerfile()`) show as placeholders: the engine resolves them.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { resolveTargets } from "../solve/targets.ts";
 * import { llbText } from "./print_llb.ts";
 * const [app] = resolveTargets({ app: image("busybox").run("echo hi") }, "/src");
 * llbText(app, "dot", {}).startsWith("digraph {"); // true
 * ```
 */
export function llbText(
  target: ResolvedTarget,
  format: LlbFormat,
  options: { noCache?: boolean; contexts?: ContextOverrides; baseConfigs?: BaseConfigs },
): string {
  if (target.dynamic) {
    throw new UsageError(
      `target "${target.name}" is dynamic: its graph depends on what the engine builds while its async state ` +
        `function runs, so it has no LLB before a build`,
    );
  }
  const { definition } = marshal(target.state, {
    previewFrontends: true,
    ignoreCache: options.noCache,
    contexts: options.contexts,
    baseConfigs: options.baseConfigs,
  });
  const def = definition ?? { def: [], metadata: {} };
  if (format === "dot") return definitionDot(def);
  return def.def!.length > 0 ? formatDump(def) : "";
}

/**
 * The configs of the base images the target's steps inherit (env, working
 * directory, user), resolved through the engine `solve` builds on (a build
 * that only asks for them), so the printed steps are the ones a build sends.
 * When that fails (no engine answers), `notice` says what is left out.
 *
 * @example
 * ```ts
 * import { image } from "../../mod.ts";
 * import { resolveTargets } from "../solve/targets.ts";
 * import { printBaseConfigs } from "./print_llb.ts";
 * const [app] = resolveTargets({ app: image("busybox").run("echo hi") }, "/src");
 * const { notice } = await printBaseConfigs(app, () => Promise.reject(new Error("no engine")));
 * // notice: "the config of docker.io/library/busybox:latest is not resolved ... (no engine)"
 * ```
 */
export async function printBaseConfigs(
  target: ResolvedTarget,
  solve: (targets: Targets) => Promise<unknown>,
  contexts?: ContextOverrides,
): Promise<{ baseConfigs?: BaseConfigs; notice?: string }> {
  const bases = target.dynamic ? [] : baseImagesOf([target.state], contexts);
  if (bases.length === 0) return {};
  const configs = new Map<string, BaseRunConfig>();
  try {
    await solve({
      [target.name]: {
        state: async (ctx) => {
          await Promise.all(bases.map(async (b) => {
            const { config } = await ctx.resolveImageConfig(b.image, { platform: b.platform });
            configs.set(
              baseConfigKey(b.image, b.platform),
              (config as { config?: BaseRunConfig }).config ?? {},
            );
          }));
          return scratch();
        },
      },
    });
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).split("\n")[0];
    return { notice: unresolvedBasesNotice(bases.map((b) => b.image), reason) };
  }
  return { baseConfigs: configs };
}

/**
 * What `--print`/`--dot` cannot show when no engine resolved the base images' configs.
 *
 * @example
 * ```ts
 * import { unresolvedBasesNotice } from "./print_llb.ts";
 * unresolvedBasesNotice(["docker.io/library/busybox:latest"], "no engine");
 * // "the config of docker.io/library/busybox:latest is not resolved ... (no engine)"
 * ```
 */
export function unresolvedBasesNotice(images: readonly string[], reason: string): string {
  return `the config of ${[...new Set(images)].join(", ")} is not resolved without an engine: the env, ` +
    "working directory and user its steps inherit are left out (values that use its env show as written, " +
    `like \${PATH}), so these digests differ from the ones built (${reason})`;
}
