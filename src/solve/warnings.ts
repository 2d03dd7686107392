/**
 * `ctx.warn()`: a warning from build.ts, shown in progress and the summary
 * with the line that raised it. Sent through the engine (`LLBBridge.Warn`, so
 * it is also in the engine's build history) where it can take it, shown
 * locally otherwise.
 *
 * @module
 */
import { formatLocation, type SourceLocation } from "../core/location.ts";
import type { State } from "../dsl/state.ts";
import { LLBBridgeService } from "../proto/moby_buildkit_v1_frontend.gen.ts";
import type { GatewaySolver } from "./gateway_solver.ts";
import { localVertex, type StatusSink, timestampNow } from "./local_progress.ts";

/** What else a warning says. */
export interface WarnOptions {
  /** The state the warning is about: it is shown on that step. */
  state?: State;
  /** More lines of explanation. */
  detail?: string | string[];
  /** Where to read more. */
  url?: string;
}

/**
 * The warnings of one target's build.
 *
 * @example
 * ```ts
 * import { Warnings } from "./warnings.ts";
 * // const warnings = new Warnings(solver, (s) => progress.update(s), "app");
 * // await warnings.warn("VERSION is empty", {}, callerLocation());
 * ```
 */
export class Warnings {
  constructor(
    readonly solver: GatewaySolver,
    readonly sink: StatusSink,
    readonly target: string,
    readonly cwd?: string,
  ) {}

  /** Reports one warning; `at` is the build.ts call that raised it. */
  async warn(message: string, options: WarnOptions, at: SourceLocation | undefined): Promise<void> {
    const where = at ? formatLocation(at, this.cwd) : undefined;
    // As BuildKit's Dockerfile lint warnings carry "(line N)": every renderer shows where.
    const short = new TextEncoder().encode(where ? `${message} (${where})` : message);
    const detail = [options.detail ?? []].flat().map((d) => new TextEncoder().encode(d));
    const vertex = options.state ? await this.#vertexOf(options.state) : this.#ownVertex(where);
    const source = at
      ? {
        info: { filename: at.file, language: "TypeScript" },
        ranges: [{
          start: { line: at.line, character: at.column },
          end: { line: at.line, character: at.column },
        }],
      }
      : {};
    const warning = { level: 1n, short, detail, ...(options.url ? { url: options.url } : {}), ...source };
    if (!this.solver.caps.problem("gateway.warnings", true)) {
      await this.solver.rpc.unary(LLBBridgeService.warn, { digest: vertex, ...warning }, this.solver.bridge);
    } else {
      this.sink({ warnings: [{ vertex, ...warning }] });
    }
  }

  // The step that makes the state: solved (once) so its digest is the one the engine shows.
  async #vertexOf(state: State): Promise<string> {
    const { marshalled } = await this.solver.solve(state);
    return marshalled.ops.at(-1)?.op.inputs?.[0]?.digest ?? this.#ownVertex(undefined);
  }

  // A warning about no state gets a step of its own, named after the target.
  #ownVertex(where: string | undefined): string {
    const digest = localVertex(`warning:${this.target}:${where ?? ""}`);
    const now = timestampNow();
    this.sink({ vertexes: [{ digest, name: `[${this.target}] warning`, started: now, completed: now }] });
    return digest;
  }
}
