/**
 * `--print` and `--dot`: one target's LLB, as JSON lines or a Graphviz graph,
 * compiled without an engine.
 *
 * @module
 */
import { definitionDot } from "../llb/dot.ts";
import { formatDump } from "../llb/dump.ts";
import { marshal } from "../llb/marshal.ts";
import type { ContextOverrides } from "../llb/graph_walk.ts";
import type { ResolvedTarget } from "../solve/targets.ts";
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
  options: { noCache?: boolean; contexts?: ContextOverrides },
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
  });
  const def = definition ?? { def: [], metadata: {} };
  if (format === "dot") return definitionDot(def);
  return def.def!.length > 0 ? formatDump(def) : "";
}

/**
 * What `--print`/`--dot` cannot show without an engine: the configs of the base images the target's steps
 * inherit (env, working directory, user) are resolved by the engine at build time, so the printed steps
 * lack them and their digests differ from the ones built. Undefined when nothing inherits a base config.
 *
 * @example
 * ```ts
 * import { image } from "../../mod.ts";
 * import { resolveTargets } from "../solve/targets.ts";
 * import { unresolvedBasesNotice } from "./print_llb.ts";
 * const [app] = resolveTargets({ app: image("busybox").run("echo hi") }, "/src");
 * unresolvedBasesNotice(app); // "the config of docker.io/library/busybox:latest is not resolved ..."
 * ```
 */
export function unresolvedBasesNotice(
  target: ResolvedTarget,
  contexts?: ContextOverrides,
): string | undefined {
  const bases = [...new Set(baseImagesOf([target.state], contexts).map((b) => b.image))];
  if (bases.length === 0) return undefined;
  return `the config of ${bases.join(", ")} is not resolved without an engine: the env, working directory ` +
    "and user its steps inherit are left out (values that use its env show as written, like ${PATH}), so " +
    "these digests differ from the ones built";
}
