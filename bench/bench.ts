/**
 * Context upload benchmark: `docker buildx build` vs drydock under Deno and under Bun, on the same engine,
 * the same contexts, in the same run. Run it with `sh bench/run.sh` (which sets the engines up).
 *
 *   deno run -A bench/bench.ts [--runs 5] [--shapes small,medium,large,noop] [--clients buildx,buildx-new,deno,bun]
 *                              [--graph 1000,10000,100000] [--root DIR] [--out FILE]
 *
 * Upload shapes: every iteration renames the context folder first, so each client uploads it cold (see
 * shapes.ts); `files1k`, `files10k`, `files200k` (with `small`, 50k) make the scaling series. `noop` is a
 * fully cached rebuild of `FROM busybox` + `RUN`. `--graph` times build + marshal of chains of that many
 * steps in each runtime (pure, no engine); `--graph ""` skips it. `nodes2` builds a two-platform image on two
 * nodes (dk26c, dk28) and pushes one index (bench/two_nodes.ts); not in the default shapes.
 * Clients take turns in a rotating order, so drift on this shared machine hits all of them alike.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { cpus, tmpdir, totalmem } from "node:os";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import process from "node:process";
import { ALL_SHAPES, ContextDir, type Shape } from "./shapes.ts";
import { startTwoNodes } from "./two_nodes.ts";
import { type Run, timed } from "./measure.ts";
import { type Cell, type GraphCell, renderGraphTable, renderTable } from "./table.ts";
import type { GraphRun } from "./graph.ts";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..");

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    shapes: { type: "string", default: "small,medium,large,noop" },
    clients: { type: "string", default: "buildx,buildx-new,deno,bun" },
    graph: { type: "string", default: "1000,10000,100000" },
    root: { type: "string", default: join(tmpdir(), "drydock-bench") },
    out: { type: "string", default: join(here, "last-run.md") },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs must be a positive integer");
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
const shapes = values.shapes.split(",").filter((n) => n).map((name) => {
  const shape = [...ALL_SHAPES, NOOP, NODES2].find((s) => s.name === name);
  if (!shape) {
    throw new Error(
      `unknown shape ${name}; shapes: ${[...ALL_SHAPES, NOOP, NODES2].map((s) => s.name).join(", ")}`,
    );
  }
  return shape;
});
const graphSizes = values.graph.split(",").filter((n) => n).map(Number);
// buildx-new needs the engines script's newer docker CLI and buildx; without them it is left out.
const clients = values.clients.split(",").filter((c) =>
  c !== "buildx-new" || (process.env.DRYDOCK_BUILDX_NEW && process.env.DRYDOCK_DOCKER_NEW)
);

const engine = process.env.DRYDOCK_DK26C_HOST;
const buildx = process.env.DRYDOCK_BUILDX;
if (!engine || !buildx) throw new Error("source the engines' env first (sh bench/run.sh does it)");
const docker = ["/usr/bin/docker", "/usr/local/bin/docker"].find((p) => existsSync(p)) ?? "docker";

// Private docker configs holding only one buildx plugin each.
function pluginConfig(plugin: string): string {
  const dir = mkdtempSync(join(tmpdir(), "drydock-bench-docker-"));
  mkdirSync(join(dir, "cli-plugins"));
  symlinkSync(plugin, join(dir, "cli-plugins", "docker-buildx"));
  return dir;
}
const dockerConfig = pluginConfig(buildx);
const buildxNew = process.env.DRYDOCK_BUILDX_NEW;
const dockerNew = process.env.DRYDOCK_DOCKER_NEW;
const dockerConfigNew = buildxNew ? pluginConfig(buildxNew) : undefined;
const noopContext = mkdtempSync(join(tmpdir(), "drydock-bench-noop-"));

const deno = join(repo, "node_modules/.bin/deno");
const bun = join(repo, "node_modules/.bin/bun");

type Command = { argv: string[]; env: Record<string, string> };

function buildxCommand(cli: string, config: string, context: string, noop: boolean): Command {
  const dockerfile = join(here, noop ? "noop.Dockerfile" : "Dockerfile");
  return {
    argv: [
      cli,
      "buildx",
      "build",
      "--progress=quiet",
      "--output=type=cacheonly",
      "--file",
      dockerfile,
      context,
    ],
    env: { DOCKER_HOST: engine!, DOCKER_CONFIG: config, BUILDX_NO_DEFAULT_ATTESTATIONS: "1" },
  };
}

function drydockCommand(runtime: string[], context: string, noop: boolean): Command {
  return {
    argv: [...runtime, join(here, noop ? "noop.ts" : "build.ts"), "--progress=quiet"],
    env: { DOCKER_HOST: engine!, DRYDOCK_BENCH_CONTEXT: context },
  };
}

/** How each client builds the context at `context` (the no-op ignores it). */
const commands: Record<string, (context: string, noop: boolean) => Command> = {
  buildx: (context, noop) => buildxCommand(docker, dockerConfig, context, noop),
  "buildx-new": (context, noop) => buildxCommand(dockerNew!, dockerConfigNew!, context, noop),
  deno: (context, noop) => drydockCommand([deno, "run", "-A"], context, noop),
  bun: (context, noop) => drydockCommand([bun], context, noop),
};
for (const c of clients) if (!commands[c]) throw new Error(`unknown client ${c}`);

/**
 * Deletes the engine's records of this bench's uploads (each cold upload of the 500 MiB shapes leaves
 * a 0.5 GiB snapshot behind; a full run left 70 GB and filled the disk). Only records whose description
 * names a context of this bench are deleted: drydock's local names are the context paths under
 * `root`, buildx names the build context "context" and the Dockerfile's folder "dockerfile".
 */
function pruneBenchRecords(root: string): void {
  const env = { DOCKER_HOST: engine!, DOCKER_CONFIG: dockerConfig };
  const listing = sh(docker, ["buildx", "du", "--verbose"], env);
  const ids: string[] = [];
  let id = "";
  for (const line of listing.split("\n")) {
    const [key, ...rest] = line.split(":");
    const value = rest.join(":").trim();
    if (key === "ID") id = value.replace(/\*$/, "");
    if (key === "Description" && isBenchRecord(value, root)) ids.push(id);
  }
  // This buildx refuses a repeated id filter ("filters expect only one value"): one call per record.
  for (const i of ids) sh(docker, ["buildx", "prune", "--force", "--filter", `id=${i}`], env);
}

function isBenchRecord(description: string, root: string): boolean {
  return description.startsWith(`local source for ${root}/`) ||
    description === "local source for context" || description === "local source for dockerfile";
}

function sh(cmd: string, args: string[], env: Record<string, string> = {}): string {
  try {
    return execFileSync(cmd, args, { env: { ...process.env, ...env }, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

function machineFacts(): string {
  const engineVersion = sh(docker, ["version", "--format", "{{.Server.Version}}"], { DOCKER_HOST: engine! });
  return [
    `- date: ${new Date().toISOString()}`,
    `- cpu: ${cpus().length} × ${cpus()[0]?.model ?? "unknown"}; memory ${
      (totalmem() / 2 ** 30).toFixed(1)
    } GiB`,
    `- kernel: ${sh("uname", ["-sr"])}; load average at start: ${sh("cat", ["/proc/loadavg"])}`,
    `- engine: dk26c, Docker ${engineVersion} (containerd image store)`,
    `- buildx: ${sh(buildx!, ["version"])}; buildx-new: ${
      buildxNew ? sh(buildxNew, ["version"]) : "not installed"
    }`,
    `- deno: ${sh(deno, ["--version"]).split("\n")[0]}; bun: ${sh(bun, ["--version"])}`,
    `- runs per cell: ${runs} (median), after one warm-up run per client and shape`,
  ].join("\n");
}

/** The nodes2 shape: each client builds and pushes the two-platform image on the two nodes. */
async function benchTwoNodes(): Promise<Cell[]> {
  console.log(`\n## ${NODES2.label}`);
  const configs = [
    { client: "buildx", docker, config: dockerConfig },
    ...(dockerConfigNew ? [{ client: "buildx-new", docker: dockerNew!, config: dockerConfigNew }] : []),
  ].filter((c) => clients.includes(c.client));
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
    const noop = shape === NOOP;
    console.log(`\n## ${shape.label}${noop ? "" : ": preparing the context"}`);
    const ctx = noop ? undefined : new ContextDir(values.root, shape);
    const results = new Map<string, Run[]>(clients.map((c) => [c, []]));
    for (let i = -1; i < runs; i++) {
      const order = clients.map((_, k) => clients[(k + i + 1) % clients.length]);
      for (const client of order) {
        const { argv, env } = commands[client](ctx ? ctx.rotate(`${i + 1}-${client}`) : noopContext, noop);
        const run = await timed(argv, env);
        const what = i < 0 ? "warm-up" : `run ${i + 1}/${runs}`;
        console.log(
          `${shape.name} ${client} ${what}: ${run.seconds.toFixed(2)} s, CPU ${
            run.cpuSeconds.toFixed(2)
          } s, peak RSS ${(run.peakRss / 2 ** 20).toFixed(0)} MiB`,
        );
        if (i >= 0) results.get(client)!.push(run);
      }
      if (!noop) pruneBenchRecords(values.root);
    }
    for (const client of clients) cells.push({ shape: shape.name, client, runs: results.get(client)! });
  }
  for (const steps of graphSizes) {
    console.log(`\n## graph: a chain of ${steps} steps, build + marshal`);
    const runtimes = clients.filter((c) => c === "deno" || c === "bun");
    const results = new Map<string, GraphRun[]>(runtimes.map((c) => [c, []]));
    for (let i = 0; i < runs; i++) {
      for (const runtime of i % 2 === 0 ? runtimes : [...runtimes].reverse()) {
        const argv = runtime === "deno" ? [deno, "run", "-A"] : [bun];
        const out = execFileSync(
          argv[0],
          [...argv.slice(1), join(here, "graph.ts"), "--ops", String(steps)],
          {
            encoding: "utf8",
          },
        );
        const run = JSON.parse(out.trim().split("\n").at(-1)!) as GraphRun;
        console.log(
          `graph ${steps} ${runtime} run ${i + 1}/${runs}: build ${run.buildMs.toFixed(0)} ms, marshal ${
            run.marshalMs.toFixed(0)
          } ms, CPU ${run.cpuMs.toFixed(0)} ms`,
        );
        results.get(runtime)!.push(run);
      }
    }
    for (const runtime of runtimes) graphCells.push({ steps, runtime, runs: results.get(runtime)! });
  }
} finally {
  for (const dir of [dockerConfig, dockerConfigNew, noopContext]) {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

const tables = [
  cells.length ? renderTable(cells, new Map(ALL_SHAPES.map((s) => [s.name, s.bytes]))) : "",
  graphCells.length ? renderGraphTable(graphCells) : "",
].filter((t) => t).join("\n\n");
console.log(`\n${tables}`);
writeFileSync(values.out, `# Last bench run\n\n${facts}\n\n${tables}\n`);
console.log(`\nwritten to ${values.out}`);
