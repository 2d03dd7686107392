/**
 * Context upload benchmark: `docker buildx build` vs drydock under Deno and under Bun, on the same engine,
 * the same contexts, in the same run. Run it with `sh bench/run.sh` (which sets the engines up).
 *
 *   deno run -A bench/bench.ts [--runs 5] [--shapes small,medium,large] [--clients buildx,deno,bun]
 *                              [--root DIR] [--out FILE]
 *
 * Every iteration renames the context folder first, so each client uploads it cold (see shapes.ts).
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
import { ContextDir, SHAPES } from "./shapes.ts";
import { type Run, timed } from "./measure.ts";
import { type Cell, renderTable } from "./table.ts";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..");

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    shapes: { type: "string", default: SHAPES.map((s) => s.name).join(",") },
    clients: { type: "string", default: "buildx,deno,bun" },
    root: { type: "string", default: join(tmpdir(), "drydock-bench") },
    out: { type: "string", default: join(here, "last-run.md") },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs must be a positive integer");
const shapes = values.shapes.split(",").map((name) => {
  const shape = SHAPES.find((s) => s.name === name);
  if (!shape) throw new Error(`unknown shape ${name}; shapes: ${SHAPES.map((s) => s.name).join(", ")}`);
  return shape;
});
const clients = values.clients.split(",");

const engine = process.env.DRYDOCK_DK26C_HOST;
const buildx = process.env.DRYDOCK_BUILDX;
if (!engine || !buildx) throw new Error("source the engines' env first (sh bench/run.sh does it)");
const docker = ["/usr/bin/docker", "/usr/local/bin/docker"].find((p) => existsSync(p)) ?? "docker";

// A private docker config holding only the buildx plugin.
const dockerConfig = mkdtempSync(join(tmpdir(), "drydock-bench-docker-"));
mkdirSync(join(dockerConfig, "cli-plugins"));
symlinkSync(buildx, join(dockerConfig, "cli-plugins", "docker-buildx"));

const deno = join(repo, "node_modules/.bin/deno");
const bun = join(repo, "node_modules/.bin/bun");
const buildFile = join(here, "build.ts");

/** How each client builds the context at `context`. */
const commands: Record<string, (context: string) => { argv: string[]; env: Record<string, string> }> = {
  buildx: (context) => ({
    argv: [
      docker,
      "buildx",
      "build",
      "--progress=quiet",
      "--output=type=cacheonly",
      "--file",
      join(here, "Dockerfile"),
      context,
    ],
    env: { DOCKER_HOST: engine, DOCKER_CONFIG: dockerConfig, BUILDX_NO_DEFAULT_ATTESTATIONS: "1" },
  }),
  deno: (context) => ({
    argv: [deno, "run", "-A", buildFile, "--progress=quiet"],
    env: { DOCKER_HOST: engine, DRYDOCK_BENCH_CONTEXT: context },
  }),
  bun: (context) => ({
    argv: [bun, buildFile, "--progress=quiet"],
    env: { DOCKER_HOST: engine, DRYDOCK_BENCH_CONTEXT: context },
  }),
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
    `- buildx: ${sh(buildx!, ["version"])}`,
    `- deno: ${sh(deno, ["--version"]).split("\n")[0]}; bun: ${sh(bun, ["--version"])}`,
    `- runs per cell: ${runs} (median), after one warm-up run per client and shape`,
  ].join("\n");
}

const facts = machineFacts();
console.log(facts);
const cells: Cell[] = [];
try {
  for (const shape of shapes) {
    console.log(`\n## ${shape.label}: preparing the context`);
    const ctx = new ContextDir(values.root, shape);
    const results = new Map<string, Run[]>(clients.map((c) => [c, []]));
    for (let i = -1; i < runs; i++) {
      const order = clients.map((_, k) => clients[(k + i + 1) % clients.length]);
      for (const client of order) {
        const { argv, env } = commands[client](ctx.rotate(`${i + 1}-${client}`));
        const run = await timed(argv, env);
        const what = i < 0 ? "warm-up" : `run ${i + 1}/${runs}`;
        console.log(
          `${shape.name} ${client} ${what}: ${run.seconds.toFixed(2)} s, CPU ${
            run.cpuSeconds.toFixed(2)
          } s, peak RSS ${(run.peakRss / 2 ** 20).toFixed(0)} MiB`,
        );
        if (i >= 0) results.get(client)!.push(run);
      }
      pruneBenchRecords(values.root);
    }
    for (const client of clients) cells.push({ shape: shape.name, client, runs: results.get(client)! });
  }
} finally {
  rmSync(dockerConfig, { recursive: true, force: true });
}

const table = renderTable(cells, new Map(SHAPES.map((s) => [s.name, s.bytes])));
console.log(`\n${table}`);
writeFileSync(values.out, `# Last bench run\n\n${facts}\n\n${table}\n`);
console.log(`\nwritten to ${values.out}`);
