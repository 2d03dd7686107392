/**
 * Context upload and export benchmark: `docker buildx build` vs drydock under Deno and under Bun, on the
 * same engine, the same contexts, in the same run. Run it with `sh bench/run.sh` (which sets the engines up).
 *
 *   deno run -A bench/bench.ts [--runs 5] [--shapes small,medium,large,noop] [--clients buildx,buildx-new,deno,bun]
 *                              [--graph 1000,10000,100000] [--scale 1] [--root DIR] [--out FILE]
 *
 * Upload shapes: every iteration renames the context folder first, so each client uploads it cold (see
 * shapes.ts); `scaling` is `files1k,files10k,small,files200k`. `incremental` rewrites one file of the
 * 50,000-file context before each run and counts the bytes each client sends (through a relay).
 * `export` exports a cached 500 MiB / 5,000-file result to a fresh folder. `noop` is a fully cached rebuild
 * of `FROM busybox` + `RUN`. `--scale 0.01` makes every shape that much smaller (a quick check of the
 * bench itself; its contexts live apart). `--graph` times build + marshal of chains of that many steps in
 * each runtime (pure, no engine); `--graph ""` skips it. `nodes2` builds a two-platform image on two nodes
 * (dk26c, dk28) and pushes one index (bench/two_nodes.ts); not in the default shapes.
 * Clients take turns in a rotating order, so drift on this shared machine hits all of them alike.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { cpus, tmpdir, totalmem } from "node:os";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import process from "node:process";
import {
  ALL_SHAPES,
  changeOneFile,
  ContextDir,
  INCREMENTAL_SHAPE,
  scaleShape,
  type Shape,
} from "./shapes.ts";
import { EXPORT_SHAPE } from "./export_shape.ts";
import { type Run, timed } from "./measure.ts";
import {
  type Cell,
  type GraphCell,
  renderGraphTable,
  renderIncrementalTable,
  renderScalingTable,
  renderTable,
} from "./table.ts";
import type { GraphRun } from "./graph.ts";
import { Clients, type Job, pruneBenchRecords, sh } from "./clients.ts";
import { ByteCounter } from "./byte_counter.ts";
import { startTwoNodes } from "./two_nodes.ts";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..");

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    shapes: { type: "string", default: "small,medium,large,incremental,export,noop" },
    clients: { type: "string", default: "buildx,buildx-new,deno,bun" },
    graph: { type: "string", default: "1000,10000,100000" },
    scale: { type: "string", default: "1" },
    root: { type: "string", default: join(tmpdir(), "drydock-bench") },
    out: { type: "string", default: join(here, "last-run.md") },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs must be a positive integer");
const scale = Number(values.scale);
if (!(scale > 0 && scale <= 1)) throw new Error("--scale must be a number in (0, 1]");
const root = scale === 1 ? values.root : join(values.root, `scale-${scale}`);
/** The no-op rebuild: no context to upload, the cache holds every step. */
const NOOP: Shape = { name: "noop", label: "fully cached no-op rebuild", files: 0, dirs: 0, bytes: 0 };
/** Two nodes (dk26c amd64, dk28 arm64), two platforms, one index pushed (bench/two_nodes.ts). */
const NODES2: Shape = {
  name: "nodes2",
  label: "two nodes, two platforms, one pushed index",
  files: 0,
  dirs: 0,
  bytes: 0,
};
const KNOWN = [...ALL_SHAPES, INCREMENTAL_SHAPE, EXPORT_SHAPE, NOOP, NODES2];
const names = values.shapes.replace(/\bscaling\b/, "files1k,files10k,small,files200k").split(",");
const shapes = names.filter((n) => n).map((name) => {
  const shape = KNOWN.find((s) => s.name === name);
  if (!shape) {
    throw new Error(`unknown shape ${name}; shapes: ${KNOWN.map((s) => s.name).join(", ")}, scaling`);
  }
  return shape === NOOP || shape === NODES2 || scale === 1 ? shape : scaleShape(shape, scale);
});
const graphSizes = values.graph.split(",").filter((n) => n).map(Number);

const engine = process.env.DRYDOCK_DK26C_HOST;
const buildx = process.env.DRYDOCK_BUILDX;
if (!engine || !buildx) throw new Error("source the engines' env first (sh bench/run.sh does it)");
const clientSet = new Clients({
  engine,
  buildx,
  buildxNew: process.env.DRYDOCK_BUILDX_NEW,
  dockerNew: process.env.DRYDOCK_DOCKER_NEW,
});
// buildx-new needs the engines script's newer docker CLI and buildx; without them it is left out.
const clients = values.clients.split(",").filter((c) => c !== "buildx-new" || clientSet.hasBuildxNew);
const docker = clientSet.docker;
const dockerEnv = { DOCKER_HOST: engine, DOCKER_CONFIG: clientSet.dockerConfig };
const deno = join(repo, "node_modules/.bin/deno");
const bun = join(repo, "node_modules/.bin/bun");

function machineFacts(): string {
  const engineVersion = sh(docker, ["version", "--format", "{{.Server.Version}}"], { DOCKER_HOST: engine! });
  const newer = process.env.DRYDOCK_BUILDX_NEW;
  return [
    `- date: ${new Date().toISOString()}`,
    `- cpu: ${cpus().length} × ${cpus()[0]?.model ?? "unknown"}; memory ${
      (totalmem() / 2 ** 30).toFixed(1)
    } GiB`,
    `- kernel: ${sh("uname", ["-sr"])}; load average at start: ${sh("cat", ["/proc/loadavg"])}`,
    `- engine: dk26c, Docker ${engineVersion} (containerd image store)`,
    `- buildx: ${sh(buildx!, ["version"])}; buildx-new: ${newer ? sh(newer, ["version"]) : "not installed"}`,
    `- deno: ${sh(deno, ["--version"]).split("\n")[0]}; bun: ${sh(bun, ["--version"])}`,
    `- runs per cell: ${runs} (median), after one warm-up run per client and shape${
      scale === 1 ? "" : `; every shape scaled by ${scale}`
    }`,
  ].join("\n");
}

/** Files under `dir`, counted (a check that an export wrote the whole tree). */
function countFiles(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

/** Runs one shape: every client `runs` times after a warm-up, in rotating order. */
async function runShape(shape: Shape): Promise<Map<string, Run[]>> {
  const kind = shape === NOOP ? "noop" : shape.name === "export" ? "export" : "upload";
  const incremental = shape.name === "incremental";
  console.log(`\n## ${shape.label}${kind === "upload" ? ": preparing the context" : ""}`);
  // The incremental shape re-uploads the small shape's context, under one name throughout.
  const ctx = kind === "upload"
    ? new ContextDir(root, incremental ? { ...shape, name: "small" } : shape)
    : undefined;
  const scratch = mkdtempSync(join(tmpdir(), "drydock-bench-run-"));
  const counter = incremental
    ? await ByteCounter.listen(join(scratch, "relay.sock"), engine!.replace(/^unix:\/\//, ""))
    : undefined;
  const host = counter ? `unix://${join(scratch, "relay.sock")}` : engine!;
  const results = new Map<string, Run[]>(clients.map((c) => [c, []]));
  try {
    for (let i = -1; i < runs; i++) {
      const order = clients.map((_, k) => clients[(k + i + 1) % clients.length]);
      for (const client of order) {
        const tag = `${i + 1}-${client}`;
        let job: Job = { kind: "noop" };
        if (kind === "export") job = { kind, shape, dest: join(scratch, `out-${tag}`) };
        if (kind === "upload") {
          if (incremental) changeOneFile(ctx!.path, shape);
          job = { kind, context: incremental ? ctx!.path : ctx!.rotate(tag) };
        }
        counter?.take();
        const { argv, env } = clientSet.command(client, job, host);
        let run = await timed(argv, env);
        if (counter) run = { ...run, sentBytes: counter.take().sent };
        if (job.kind === "export") {
          const files = countFiles(job.dest);
          if (files !== shape.files) throw new Error(`${client} exported ${files} files, not ${shape.files}`);
          rmSync(job.dest, { recursive: true, force: true });
        }
        const what = i < 0 ? "warm-up" : `run ${i + 1}/${runs}`;
        const sent = run.sentBytes === undefined ? "" : `, sent ${(run.sentBytes / 2 ** 10).toFixed(0)} KiB`;
        console.log(
          `${shape.name} ${client} ${what}: ${run.seconds.toFixed(2)} s, CPU ${
            run.cpuSeconds.toFixed(2)
          } s, ` +
            `peak RSS ${(run.peakRss / 2 ** 20).toFixed(0)} MiB${sent}`,
        );
        if (i >= 0) results.get(client)!.push(run);
      }
      // Cold uploads leave a snapshot each; the incremental shape needs its earlier transfer kept.
      if (kind === "upload" && !incremental) pruneBenchRecords(docker, dockerEnv, root);
    }
    if (incremental) pruneBenchRecords(docker, dockerEnv, root);
  } finally {
    await counter?.close();
    rmSync(scratch, { recursive: true, force: true });
  }
  return results;
}

/** The nodes2 shape: each client builds and pushes the two-platform image on the two nodes. */
async function benchTwoNodes(): Promise<Cell[]> {
  console.log(`\n## ${NODES2.label}`);
  const configs = clientSet.buildxConfigs().filter((c) => clients.includes(c.client));
  const nodes = await startTwoNodes(configs);
  const command = (client: string, nonce: string) => {
    const c = configs.find((x) => x.client === client);
    if (c) return nodes.buildx(c.docker, c.config, nonce);
    return nodes.drydock(client === "deno" ? [deno, "run", "-A"] : [bun], nonce);
  };
  const results = new Map<string, Run[]>(clients.map((c) => [c, []]));
  try {
    for (let i = -1; i < runs; i++) {
      const order = clients.map((_, k) => clients[(k + i + 1) % clients.length]);
      for (const client of order) {
        const { argv, env } = command(client, `${Date.now().toString(36)}-${client}-${i + 1}`);
        const run = await timed(argv, env);
        const what = i < 0 ? "warm-up" : `run ${i + 1}/${runs}`;
        console.log(
          `nodes2 ${client} ${what}: ${run.seconds.toFixed(2)} s, CPU ${run.cpuSeconds.toFixed(2)} s`,
        );
        if (i >= 0) results.get(client)!.push(run);
      }
    }
  } finally {
    await nodes.close();
  }
  return clients.map((client) => ({ shape: NODES2.name, client, runs: results.get(client)! }));
}

/** Times build + marshal of a chain of `steps` steps in a fresh process of each runtime. */
function runGraph(steps: number): GraphCell[] {
  console.log(`\n## graph: a chain of ${steps} steps, build + marshal`);
  const runtimes = clients.filter((c) => c === "deno" || c === "bun");
  const results = new Map<string, GraphRun[]>(runtimes.map((c) => [c, []]));
  for (let i = 0; i < runs; i++) {
    for (const runtime of i % 2 === 0 ? runtimes : [...runtimes].reverse()) {
      const argv = runtime === "deno" ? [deno, "run", "-A"] : [bun];
      const out = execFileSync(argv[0], [...argv.slice(1), join(here, "graph.ts"), "--ops", String(steps)], {
        encoding: "utf8",
      });
      const run = JSON.parse(out.trim().split("\n").at(-1)!) as GraphRun;
      console.log(
        `graph ${steps} ${runtime} run ${i + 1}/${runs}: build ${run.buildMs.toFixed(0)} ms, marshal ${
          run.marshalMs.toFixed(0)
        } ms, CPU ${run.cpuMs.toFixed(0)} ms`,
      );
      results.get(runtime)!.push(run);
    }
  }
  return runtimes.map((runtime) => ({ steps, runtime, runs: results.get(runtime)! }));
}

const facts = machineFacts();
console.log(facts);
const cells: Cell[] = [];
const graphCells: GraphCell[] = [];
try {
  for (const shape of shapes) {
    if (shape === NODES2) {
      cells.push(...await benchTwoNodes());
      continue;
    }
    const results = await runShape(shape);
    for (const client of clients) cells.push({ shape: shape.name, client, runs: results.get(client)! });
  }
  for (const steps of graphSizes) graphCells.push(...runGraph(steps));
} finally {
  clientSet.close();
}

const bytes = new Map(shapes.filter((s) => s.name !== "incremental").map((s) => [s.name, s.bytes]));
const files = new Map(shapes.map((s) => [s.name, s.files]));
const tables = [
  cells.length ? renderTable(cells.filter((c) => c.shape !== "incremental"), bytes) : "",
  renderIncrementalTable(cells.filter((c) => c.shape === "incremental")),
  renderScalingTable(cells, files),
  graphCells.length ? renderGraphTable(graphCells) : "",
].filter((t) => t).join("\n\n");
console.log(`\n${tables}`);
writeFileSync(values.out, `# Last bench run\n\n${facts}\n\n${tables}\n`);
console.log(`\nwritten to ${values.out}`);
