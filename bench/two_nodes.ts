/**
 * The `nodes2` bench shape: a two-platform image built on two nodes at once (dk26c serving linux/amd64 and
 * running a step, dk28 serving linux/arm64 with file operations only) and pushed to the test registry as one
 * index; buildx with a remote-driver builder of the same two nodes against drydock's `--node`.
 *
 * Both clients reach each engine's BuildKit the same way: a stand-in socket in front of Docker's `/grpc`
 * upgrade (tests/support/standin.ts), which buildx's remote driver and drydock's `unix://` address both
 * speak plain gRPC to. Every run carries a new nonce, so neither node answers from its cache.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { type StandIn, startStandIn } from "../tests/support/standin.ts";

const here = dirname(fileURLToPath(import.meta.url));
const BUILDER = "drydock-bench-two";

/** The two nodes, and the command of each client for one run. */
export interface TwoNodes {
  /** `docker buildx build` on the two-node builder; `docker` is the CLI, `config` its DOCKER_CONFIG. */
  buildx(docker: string, config: string, nonce: string): { argv: string[]; env: Record<string, string> };
  /** `build.ts --node … --node … --push` under `runtime`. */
  drydock(runtime: string[], nonce: string): { argv: string[]; env: Record<string, string> };
  close(): Promise<void>;
}

/**
 * Starts the stand-ins and creates the buildx builder in each docker config given.
 *
 * @example
 * ```ts
 * import { startTwoNodes } from "./two_nodes.ts";
 * // const nodes = await startTwoNodes([{ docker: "/usr/bin/docker", config: dir }]);
 * // const { argv, env } = nodes.drydock(["deno", "run", "-A"], "run-1"); ... await nodes.close();
 * ```
 */
export async function startTwoNodes(
  buildxConfigs: readonly { docker: string; config: string }[],
): Promise<TwoNodes> {
  const amd64 = process.env.DRYDOCK_DK26C_HOST?.replace(/^unix:\/\//, "");
  const arm64 = process.env.DRYDOCK_DK28_HOST?.replace(/^unix:\/\//, "");
  const registry = process.env.DRYDOCK_REGISTRY;
  if (!amd64 || !arm64 || !registry) {
    throw new Error("nodes2 needs dk26c, dk28 and DRYDOCK_REGISTRY (engines.env)");
  }
  const dir = mkdtempSync(join(tmpdir(), "drydock-bench-nodes-"));
  const standIns: StandIn[] = [
    await startStandIn(amd64, { socketPath: join(dir, "amd64.sock") }),
    await startStandIn(arm64, { socketPath: join(dir, "arm64.sock") }),
  ];
  for (const { docker, config } of buildxConfigs) {
    removeBuilder(docker, config);
    const create = (extra: string[], platform: string, address: string) =>
      execFileSync(docker, [
        "buildx",
        "create",
        ...extra,
        "--name",
        BUILDER,
        "--driver",
        "remote",
        "--platform",
        platform,
        address,
      ], { env: { ...process.env, DOCKER_CONFIG: config }, stdio: "ignore" });
    create([], "linux/amd64", standIns[0].address);
    create(["--append"], "linux/arm64", standIns[1].address);
  }
  const image = (nonce: string) => `${registry}/drydock-bench-nodes:${nonce}`;
  return {
    buildx: (docker, config, nonce) => ({
      argv: [
        docker,
        "buildx",
        "build",
        "--builder",
        BUILDER,
        "--progress=quiet",
        "--platform",
        "linux/amd64,linux/arm64",
        "--build-arg",
        `NONCE=${nonce}`,
        "--file",
        join(here, "nodes.Dockerfile"),
        "--tag",
        image(`buildx-${nonce}`),
        "--push",
        here,
      ],
      env: { DOCKER_CONFIG: config, BUILDX_NO_DEFAULT_ATTESTATIONS: "1" },
    }),
    drydock: (runtime, nonce) => ({
      argv: [
        ...runtime,
        join(here, "nodes.ts"),
        "--progress=quiet",
        "--push",
        "--node",
        `${standIns[0].address} platforms=linux/amd64 name=dk26c`,
        "--node",
        `${standIns[1].address} platforms=linux/arm64 name=dk28`,
      ],
      env: { DRYDOCK_BENCH_NONCE: nonce, DRYDOCK_BENCH_IMAGE: image(`drydock-${nonce}`) },
    }),
    close: async () => {
      for (const { docker, config } of buildxConfigs) removeBuilder(docker, config);
      await Promise.all(standIns.map((s) => s.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function removeBuilder(docker: string, config: string): void {
  try {
    execFileSync(docker, ["buildx", "rm", BUILDER], {
      env: { ...process.env, DOCKER_CONFIG: config },
      stdio: "ignore",
    });
  } catch {
    // No builder of that name: nothing to remove.
  }
}
