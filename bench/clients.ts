/**
 * How each client of the bench builds a shape: `docker buildx build` with buildx 0.13 or the newest buildx,
 * and drydock under Deno or Bun; and how the engine's records of the bench's uploads are deleted.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";
import type { Shape } from "./shapes.ts";
import { exportDockerfile } from "./export_shape.ts";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..");

/** What one run of a client is. */
export type Job =
  /** Upload `context` (cold or incremental) and build `COPY . /ctx` from it. */
  | { kind: "upload"; context: string }
  /** The export shape: build its cached files and export them to the folder `dest`. */
  | { kind: "export"; shape: Shape; dest: string }
  /** The fully cached `FROM busybox` + `RUN`. */
  | { kind: "noop" };

/** A command line and the environment added to the bench's own. */
export interface Command {
  readonly argv: string[];
  readonly env: Record<string, string>;
}

/** The bench's clients by name. */
export const CLIENTS = ["buildx", "buildx-new", "deno", "bun"] as const;

/**
 * The clients' commands, on one engine. Owns temporary docker configs (one buildx plugin each) and an
 * empty context folder: call {@link Clients.close} at the end.
 *
 * @example
 * ```ts
 * import { Clients } from "./clients.ts";
 * const clients = new Clients({ engine: "unix:///var/run/docker.sock", buildx: "/usr/libexec/docker/cli-plugins/docker-buildx" });
 * clients.command("deno", { kind: "noop" }, "unix:///var/run/docker.sock").argv; // [".../deno", "run", "-A", ".../noop.ts", ...]
 * clients.close();
 * ```
 */
export class Clients {
  readonly docker = ["/usr/bin/docker", "/usr/local/bin/docker"].find((p) => existsSync(p)) ?? "docker";
  readonly #buildx: { cli: string; config: string };
  readonly #buildxNew?: { cli: string; config: string };
  readonly #temp = mkdtempSync(join(tmpdir(), "drydock-bench-clients-"));
  readonly #emptyContext = join(this.#temp, "empty");
  readonly #engine: string;

  constructor(options: { engine: string; buildx: string; buildxNew?: string; dockerNew?: string }) {
    this.#engine = options.engine;
    mkdirSync(this.#emptyContext);
    this.#buildx = { cli: this.docker, config: this.#pluginConfig("buildx", options.buildx) };
    if (options.buildxNew && options.dockerNew) {
      this.#buildxNew = {
        cli: options.dockerNew,
        config: this.#pluginConfig("buildx-new", options.buildxNew),
      };
    }
  }

  /** Whether the newest buildx (and its docker CLI) were given. */
  get hasBuildxNew(): boolean {
    return this.#buildxNew !== undefined;
  }

  /** The buildx clients: name, docker CLI and the docker config holding its plugin. */
  buildxConfigs(): { client: string; docker: string; config: string }[] {
    const configs = [{ client: "buildx", docker: this.#buildx.cli, config: this.#buildx.config }];
    if (this.#buildxNew) {
      configs.push({ client: "buildx-new", docker: this.#buildxNew.cli, config: this.#buildxNew.config });
    }
    return configs;
  }

  /** The docker config dir of buildx 0.13, for the bench's own docker calls. */
  get dockerConfig(): string {
    return this.#buildx.config;
  }

  /** The command of `client` for `job`, talking to the engine at `host` (the engine, or a relay to it). */
  command(client: string, job: Job, host = this.#engine): Command {
    if (client === "buildx") return this.#buildxCommand(this.#buildx, job, host);
    if (client === "buildx-new" && this.#buildxNew) return this.#buildxCommand(this.#buildxNew, job, host);
    if (client === "deno") {
      return drydockCommand([join(repo, "node_modules/.bin/deno"), "run", "-A"], job, host);
    }
    if (client === "bun") return drydockCommand([join(repo, "node_modules/.bin/bun")], job, host);
    throw new Error(`unknown client ${client}; clients: ${CLIENTS.join(", ")}`);
  }

  /** Removes the temporary configs and files. */
  close(): void {
    rmSync(this.#temp, { recursive: true, force: true });
  }

  // A private docker config holding only one buildx plugin.
  #pluginConfig(name: string, plugin: string): string {
    const dir = join(this.#temp, name);
    mkdirSync(join(dir, "cli-plugins"), { recursive: true });
    symlinkSync(plugin, join(dir, "cli-plugins", "docker-buildx"));
    return dir;
  }

  #buildxCommand(buildx: { cli: string; config: string }, job: Job, host: string): Command {
    let dockerfile = join(here, job.kind === "noop" ? "noop.Dockerfile" : "Dockerfile");
    let output = "type=cacheonly";
    if (job.kind === "export") {
      dockerfile = join(this.#temp, `export-${job.shape.files}-${job.shape.bytes}.Dockerfile`);
      if (!existsSync(dockerfile)) writeFileSync(dockerfile, exportDockerfile(job.shape));
      output = `type=local,dest=${job.dest}`;
    }
    return {
      argv: [
        buildx.cli,
        "buildx",
        "build",
        "--progress=quiet",
        `--output=${output}`,
        "--file",
        dockerfile,
        job.kind === "upload" ? job.context : this.#emptyContext,
      ],
      env: { DOCKER_HOST: host, DOCKER_CONFIG: buildx.config, BUILDX_NO_DEFAULT_ATTESTATIONS: "1" },
    };
  }
}

function drydockCommand(runtime: string[], job: Job, host: string): Command {
  const script = { upload: "build.ts", export: "export.ts", noop: "noop.ts" }[job.kind];
  const env: Record<string, string> = { DOCKER_HOST: host };
  if (job.kind === "upload") env.DRYDOCK_BENCH_CONTEXT = job.context;
  if (job.kind === "export") {
    env.DRYDOCK_BENCH_EXPORT_DEST = job.dest;
    env.DRYDOCK_BENCH_SHAPE = JSON.stringify(job.shape);
  }
  return { argv: [...runtime, join(here, script), "--progress=quiet"], env };
}

/**
 * Deletes the engine's records of this bench's uploads (each cold upload of the 500 MiB shapes leaves
 * a 0.5 GiB snapshot behind; a full run left 70 GB and filled the disk). Only records whose description
 * names a context of this bench are deleted: drydock's local names are the context paths under
 * `root`, buildx names the build context "context" and the Dockerfile's folder "dockerfile".
 *
 * @example
 * ```ts
 * import { pruneBenchRecords } from "./clients.ts";
 * // pruneBenchRecords("/usr/bin/docker", { DOCKER_HOST: "unix:///var/run/docker.sock" }, "/tmp/drydock-bench");
 * ```
 */
export function pruneBenchRecords(docker: string, env: Record<string, string>, root: string): void {
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

/**
 * Runs a command and returns its trimmed output, or "unknown" if it fails.
 *
 * @example
 * ```ts
 * import { sh } from "./clients.ts";
 * sh("uname", ["-s"]); // "Linux"
 * ```
 */
export function sh(cmd: string, args: string[], env: Record<string, string> = {}): string {
  try {
    return execFileSync(cmd, args, { env: { ...process.env, ...env }, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}
