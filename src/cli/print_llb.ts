/**
 * `--print` and `--dot`: one target's LLB, as JSON lines or a Graphviz graph,
 * compiled without an engine.
 *
 * @module
 */
import { definitionDot } from "../llb/dot.ts";
import { formatDump } from "../llb/dump.ts";
import { marshal } from "../llb/marshal.ts";
import type { ResolvedTarget } from "../solve/targets.ts";
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
 * import { image } from "../../mod.ts";
 * import { resolveTargets } from "../solve/targets.ts";
 * import { llbText } from "./print_llb.ts";
 * const [app] = resolveTargets({ app: image("busybox").run("echo hi") });
 * llbText(app, "dot", {}).startsWith("digraph {"); // true
 * ```
 */
export function llbText(target: ResolvedTarget, format: LlbFormat, options: { noCache?: boolean }): string {
  if (target.dynamic) {
    throw new UsageError(
      `target "${target.name}" is dynamic: its graph depends on what the engine builds while its async state ` +
        `function runs, so it has no LLB before a build`,
    );
  }
  const { definition } = marshal(target.state, { previewFrontends: true, ignoreCache: options.noCache });
  const def = definition ?? { def: [], metadata: {} };
  if (format === "dot") return definitionDot(def);
  return def.def!.length > 0 ? formatDump(def) : "";
}
