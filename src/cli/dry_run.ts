/**
 * `--dry-run`: check the targets and compile them to LLB, with no engine.
 *
 * @module
 */
import { marshal } from "../llb/marshal.ts";
import type { ContextOverrides } from "../llb/graph_walk.ts";
import type { ResolvedTarget } from "../solve/targets.ts";

/** What compiling one target gave. */
export interface CompiledTarget {
  readonly name: string;
  /** Ops in the definition, the terminal one included. */
  readonly ops: number;
  /** Digest of the terminal op: the same graph always gives the same digest. */
  readonly digest: string | undefined;
  readonly outputs: readonly string[];
  /** A dynamic target: its graph depends on the engine, so nothing was compiled. */
  readonly dynamic?: boolean;
}

/**
 * Compiles each target to an LLB definition, without I/O (local sources are not read).
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { resolveTargets } from "../solve/targets.ts";
 * import { compileTargets } from "./dry_run.ts";
 * compileTargets(resolveTargets({ app: image("busybox").run("true") }, "/src"), { noCache: false })[0].ops; // 3
 * ```
 */
export function compileTargets(
  targets: readonly ResolvedTarget[],
  options: { noCache?: boolean; contexts?: ContextOverrides },
): CompiledTarget[] {
  return targets.map((t) => {
    if (t.dynamic) return { name: t.name, ops: 0, digest: undefined, outputs: outputsOf(t), dynamic: true };
    const { ops } = marshal(t.state, {
      ignoreCache: options.noCache,
      previewFrontends: true,
      contexts: options.contexts,
    });
    return {
      name: t.name,
      ops: ops.length,
      digest: ops.at(-1)?.digest,
      outputs: outputsOf(t),
    };
  });
}

function outputsOf(t: ResolvedTarget): string[] {
  return t.outputs.map((
    o,
  ) => (o.type === "image" ? `image ${[o.name].flat().join(", ")}` : `files in ${o.dest}`));
}

/**
 * The `--dry-run` report, one line per target, then the named contexts replaced (`name=value`), if any.
 *
 * @example
 * ```ts
 * import { dryRunText } from "./dry_run.ts";
 * dryRunText([{ name: "app", ops: 3, digest: "sha256:ab", outputs: ["image app:dev"] }]);
 * // "app: 3 LLB ops, sha256:ab → image app:dev\n"
 * ```
 */
export function dryRunText(compiled: readonly CompiledTarget[], contexts: readonly string[] = []): string {
  const replaced = contexts.length > 0 ? `build contexts replaced: ${contexts.join(", ")}\n` : "";
  return compiled.map((c) => {
    const to = c.outputs.length > 0 ? ` → ${c.outputs.join("; ")}` : "";
    if (c.dynamic) {
      return `${c.name}: dynamic, its graph depends on what the engine builds (not compiled)${to}\n`;
    }
    return `${c.name}: ${c.ops} LLB ops, ${c.digest ?? "empty filesystem"}${to}\n`;
  }).join("") + replaced;
}
