/**
 * Progress names that read like a Dockerfile build's: `[app 3/5] RUN npm ci`. The stage is the variable the
 * step's chain is assigned to in build.ts (read from the source line, so this is I/O and lives outside the
 * DSL), or the target's name when there is none.
 *
 * @module
 */
import { readSourceLines } from "../core/source_text.ts";
import type { SourceLocation } from "../core/location.ts";
import { Cap } from "../llb/caps.ts";
import { type Digest, digestOf } from "../llb/digest.ts";
import type { MarshalledOp } from "../llb/marshal_types.ts";
import type * as pb from "../proto/pb.gen.ts";

const CUSTOM_NAME = "llb.customname";
/** `const app =`, `export let app:` ... at the start of a statement. */
const DECLARATION = /^\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=/;
/** `app = ` (a reassignment) at the start of a statement. */
const ASSIGNMENT = /^\s*([A-Za-z_$][\w$]*)\s*=[^=>]/;

/**
 * Names each op of a marshalled graph `[<stage> <i>/<n>] <what it does>`, numbering the steps of each stage in
 * graph order. `stageAt` tells the stage of a build.ts location; ops without one belong to `fallbackStage`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { image } from "@drydock/core";
 * import { marshal } from "../llb/marshal.ts";
 * import { stepNames } from "./step_names.ts";
 *
 * const { ops } = marshal(image("busybox").run("make"));
 * const names = [...stepNames(ops, () => undefined, "app").values()];
 * assert.deepEqual(names, ["[app 1/2] FROM docker.io/library/busybox:latest", "[app 2/2] RUN make"]);
 * ```
 */
export function stepNames(
  ops: readonly MarshalledOp[],
  stageAt: (location: SourceLocation) => string | undefined,
  fallbackStage: string,
): Map<Digest, string> {
  const stages = new Map<string, { digest: Digest; what: string }[]>();
  for (const { digest, op, node } of ops) {
    // The terminal op has no node; ops a frontend (dockerfile()) produced keep the names it gave them.
    if (!node || node.kind === "frontend") continue;
    const stage = (node.location && stageAt(node.location)) ?? fallbackStage;
    const what = node.name ?? describeOp(op);
    let steps = stages.get(stage);
    if (!steps) stages.set(stage, steps = []);
    steps.push({ digest, what });
  }
  const names = new Map<Digest, string>();
  for (const [stage, steps] of stages) {
    steps.forEach(({ digest, what }, i) => names.set(digest, `[${stage} ${i + 1}/${steps.length}] ${what}`));
  }
  return names;
}

/**
 * A copy of `definition` whose ops carry `names` as their progress names (`llb.customname`). Only metadata
 * changes, so op digests and cache keys stay the same.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { image } from "@drydock/core";
 * import { marshal } from "../llb/marshal.ts";
 * import { withStepNames } from "./step_names.ts";
 *
 * const { definition, ops } = marshal(image("busybox"));
 * const named = withStepNames(definition!, new Map([[ops[0].digest, "[base 1/1] FROM busybox"]]));
 * assert.equal(named.metadata![ops[0].digest].description!["llb.customname"], "[base 1/1] FROM busybox");
 * ```
 */
export function withStepNames(definition: pb.Definition, names: ReadonlyMap<Digest, string>): pb.Definition {
  const metadata: Record<string, pb.OpMetadata> = {};
  for (const [digest, md] of Object.entries(definition.metadata ?? {})) {
    const name = names.get(digest as Digest);
    metadata[digest] = name === undefined
      ? md
      : { ...md, description: { ...md.description, [CUSTOM_NAME]: name } };
  }
  // Go's llb lists meta.description on the terminal op once any op has a description.
  const terminalOp = definition.def?.at(-1);
  const last = terminalOp && digestOf(terminalOp);
  if (names.size > 0 && last !== undefined) {
    const md = metadata[last] ?? {};
    metadata[last] = { ...md, caps: { ...md.caps, [Cap.metaDescription]: true } };
  }
  return { ...definition, metadata };
}

/**
 * Reads stages from build.ts files, each file once: the variable a DSL chain is assigned to. A chain that
 * continues over several lines (`.run(...)` on a line of its own) belongs to the statement it continues.
 *
 * @example
 * ```ts
 * import { StageReader } from "./step_names.ts";
 * const stages = new StageReader();
 * stages.stageAt({ file: "/nonexistent/build.ts", line: 1, column: 1 }); // undefined
 * ```
 */
export class StageReader {
  readonly #files = new Map<string, readonly string[] | undefined>();

  /**
   * The stage of a location, or `undefined` when the line is not part of an assignment.
   *
   * @example
   * ```ts
   * import { StageReader } from "./step_names.ts";
   * new StageReader().stageAt({ file: "/src/build.ts", line: 3, column: 4 }); // "app"
   * ```
   */
  stageAt(location: SourceLocation): string | undefined {
    const lines = this.#lines(location.file);
    return lines && stageOfLine(lines, location.line);
  }

  #lines(file: string): readonly string[] | undefined {
    if (!this.#files.has(file)) {
      this.#files.set(file, readSourceLines(file));
    }
    return this.#files.get(file);
  }
}

/**
 * The variable assigned by the statement that line `line` (1-based) belongs to, walking up over lines that
 * continue a method chain.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stageOfLine } from "./step_names.ts";
 *
 * const source = ['const app = image("busybox")', '  .workdir("/app")', '  .run("make");'];
 * assert.equal(stageOfLine(source, 3), "app");
 * assert.equal(stageOfLine(["await build({ x: image('a') });"], 1), undefined);
 * ```
 */
export function stageOfLine(lines: readonly string[], line: number): string | undefined {
  let i = line - 1;
  // Continuation lines start with `.` (a chained call) or follow a line ending inside an open expression.
  while (i > 0 && i < lines.length && continues(lines[i], lines[i - 1])) i--;
  const text = lines[i];
  if (text === undefined) return undefined;
  return DECLARATION.exec(text)?.[1] ?? ASSIGNMENT.exec(text)?.[1];
}

function continues(line: string, previous: string): boolean {
  // Reached only by walking up from a continuation, a comment or blank line sits inside the chain.
  if (/^\s*(?:\.|\/\/|\/?\*|$)/.test(line)) return true;
  const end = previous.replace(/\/\/.*$/, "").trimEnd();
  return /[=(,.+\-*/?:&|[{]$/.test(end);
}

/** A Dockerfile-like description of an op without a name of its own. */
function describeOp(op: pb.Op): string {
  const id = op.source?.identifier;
  if (id?.startsWith("docker-image://")) return `FROM ${id.slice("docker-image://".length)}`;
  if (id?.startsWith("local://")) return `LOCAL ${id.slice("local://".length)}`;
  if (id) return id;
  const args = op.exec?.meta?.args;
  if (args) {
    return `RUN ${args[0] === "/bin/sh" && args[1] === "-c" ? args.slice(2).join(" ") : args.join(" ")}`;
  }
  return "FILE";
}
