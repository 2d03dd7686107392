/**
 * Graph shapes for the build + marshal bench: pure, no engine. `chain` is one long line of steps (the
 * depth case), `stages` many parallel stages merged into one (the width case).
 *
 *   deno run -A bench/graph.ts [--ops 10000] [--shape chain|stages] [--repeat 5]
 *   bun bench/graph.ts --ops 100000 --shape chain
 *
 * Prints one JSON line per repeat: build and marshal milliseconds, op count, definition bytes.
 *
 * @module
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { image, merge, type State } from "../mod.ts";
import { marshal } from "../src/llb/marshal.ts";

/** A graph shape: builds a graph of about `ops` ops. */
export type GraphShape = "chain" | "stages";

/** The shapes, for option checking. */
export const GRAPH_SHAPES: readonly GraphShape[] = ["chain", "stages"];

/**
 * Builds a graph of about `ops` ops. `chain`: `run` and `mkdir` steps in turn on one image (a mkdir right
 * after a run cannot join another file op, so each step is one op). `stages`: 100 stages of equal length
 * merged into one state.
 *
 * @example
 * ```ts
 * import { buildGraph } from "./graph.ts";
 * const state = buildGraph("chain", 100);
 * ```
 */
export function buildGraph(shape: GraphShape, ops: number): State {
  if (shape === "chain") return chainOf(image("busybox"), ops, "");
  const stages = Math.min(100, Math.max(1, ops));
  const perStage = Math.max(1, Math.floor(ops / stages));
  const parts: State[] = [];
  for (let s = 0; s < stages; s++) parts.push(chainOf(image("busybox"), perStage, `s${s}-`));
  return merge(parts);
}

function chainOf(base: State, steps: number, tag: string): State {
  let state = base;
  for (let i = 0; i < steps; i++) {
    state = i % 2 === 0 ? state.run(`echo ${tag}${i} > /f`) : state.mkdir(`/d/${tag}${i}`, { parents: true });
  }
  return state;
}

/** One measured build + marshal. */
export interface GraphRun {
  readonly shape: GraphShape;
  readonly steps: number;
  /** Ops in the definition, the terminal op included. */
  readonly ops: number;
  readonly buildMs: number;
  readonly marshalMs: number;
  /** CPU time (user + system, all threads) of build + marshal: on a loaded machine, steadier than wall time. */
  readonly cpuMs: number;
  /** Bytes of all ops in the definition. */
  readonly bytes: number;
}

/**
 * Builds and marshals one graph, timing each half.
 *
 * @example
 * ```ts
 * import { timeGraph } from "./graph.ts";
 * const run = timeGraph("chain", 100); // { ops: 102, buildMs: ..., marshalMs: ... }
 * ```
 */
export function timeGraph(shape: GraphShape, steps: number): GraphRun {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const state = buildGraph(shape, steps);
  const t1 = performance.now();
  const { definition } = marshal(state);
  const t2 = performance.now();
  const used = process.cpuUsage(cpu);
  const def = definition?.def ?? [];
  return {
    shape,
    steps,
    ops: def.length,
    buildMs: t1 - t0,
    marshalMs: t2 - t1,
    cpuMs: (used.user + used.system) / 1000,
    bytes: def.reduce((n, b) => n + b.length, 0),
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      ops: { type: "string", default: "10000" },
      shape: { type: "string", default: "chain" },
      repeat: { type: "string", default: "1" },
    },
  });
  const shape = values.shape as GraphShape;
  if (!GRAPH_SHAPES.includes(shape)) throw new Error(`--shape: one of ${GRAPH_SHAPES.join(", ")}`);
  for (let i = 0; i < Number(values.repeat); i++) {
    console.log(JSON.stringify(timeGraph(shape, Number(values.ops))));
  }
  process.exit(0);
}
