/**
 * buildx builder instances, as `docker buildx create` stores them in
 * `$BUILDX_CONFIG` (default `~/.docker/buildx`)`/instances/<name>`: a node
 * group whose nodes say where their BuildKits are and which platforms they serve.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { dockerConfigDir, type DockerConfigEnv, DockerContextError } from "./docker_context.ts";
import type { TlsOptions } from "./address.ts";

/** The environment variables that locate buildx's configuration. */
export interface BuildxEnv extends DockerConfigEnv {
  BUILDX_CONFIG?: string;
}

/** Where a buildx builder's BuildKit is. */
export type BuildxEndpoint =
  /** `remote` driver: a buildkitd at this address, with optional TLS files. */
  | { readonly kind: "buildkitd"; readonly address: string; readonly tls?: TlsOptions }
  /** `docker` driver: Docker's embedded BuildKit, by docker context name or Docker host. */
  | { readonly kind: "docker"; readonly endpoint: string };

interface StoredNode {
  Name?: string;
  Endpoint?: string;
  DriverOpts?: Record<string, string> | null;
  Platforms?: { os?: string; architecture?: string; variant?: string }[] | null;
}

interface NodeGroup {
  Name?: string;
  Driver?: string;
  Nodes?: StoredNode[];
}

/** One node of a buildx builder: where its BuildKit is and the platforms `--platform` declared for it. */
export interface BuildxNode {
  readonly name: string;
  readonly endpoint: BuildxEndpoint;
  /** `os/arch[/variant]` texts; empty when buildx was given none (the workers say then). */
  readonly platforms: readonly string[];
}

/**
 * The endpoint of the buildx builder `name`'s first node, or `undefined` when there is no such builder.
 * Drivers drydock cannot reach (docker-container, kubernetes) are an error that says so.
 *
 * @example
 * ```ts
 * import { readBuildxBuilder } from "./buildx_builder.ts";
 * // after `docker buildx create --name remote-bk --driver remote tcp://10.0.0.5:1234`:
 * readBuildxBuilder("remote-bk", { HOME: "/home/me" }); // { kind: "buildkitd", address: "tcp://10.0.0.5:1234" }
 * ```
 */
export function readBuildxBuilder(name: string, env: BuildxEnv): BuildxEndpoint | undefined {
  return readBuildxNodes(name, env)?.[0].endpoint;
}

/**
 * Every node of the buildx builder `name` (as `docker buildx create --append` adds them), or `undefined` when
 * there is no such builder.
 *
 * @example
 * ```ts
 * import { readBuildxNodes } from "./buildx_builder.ts";
 * // after `docker buildx create --name two --driver remote --platform linux/arm64 tcp://arm:1234` and
 * // `docker buildx create --append --name two --platform linux/amd64 tcp://x86:1234`:
 * readBuildxNodes("two", { HOME: "/home/me" })?.map((n) => n.platforms); // [["linux/arm64"], ["linux/amd64"]]
 * ```
 */
export function readBuildxNodes(name: string, env: BuildxEnv): BuildxNode[] | undefined {
  const docker = dockerConfigDir(env);
  const dir = env.BUILDX_CONFIG ?? (docker ? join(docker, "buildx") : undefined);
  if (!dir || !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) return undefined;
  const file = join(dir, "instances", name);
  let group: NodeGroup;
  try {
    group = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return undefined;
    throw new DockerContextError(`buildx builder "${name}": cannot read ${file}: ${(err as Error).message}`);
  }
  const nodes = group.Nodes ?? [];
  if (nodes.length === 0 || nodes.some((n) => !n.Endpoint)) {
    throw new DockerContextError(`buildx builder "${name}" (${file}) has a node without an endpoint`);
  }
  return nodes.map((node, i) => ({
    name: node.Name || `${name}${i}`,
    endpoint: endpointOf(name, group.Driver, node),
    platforms: (node.Platforms ?? []).filter((p) => p.os && p.architecture).map((p) =>
      [p.os, p.architecture, p.variant].filter(Boolean).join("/")
    ),
  }));
}

function endpointOf(name: string, driver: string | undefined, node: StoredNode): BuildxEndpoint {
  const endpoint = node.Endpoint!;
  switch (driver) {
    case "remote": {
      const opts = node.DriverOpts ?? {};
      const read = (key: string) => {
        if (!opts[key]) return undefined;
        try {
          return readFileSync(opts[key]);
        } catch (err) {
          throw new DockerContextError(
            `buildx builder "${name}": cannot read its ${key} ${opts[key]}: ${(err as Error).message}`,
          );
        }
      };
      const [ca, cert, key] = [read("cacert"), read("cert"), read("key")];
      const tls: TlsOptions = {
        ...(ca ? { ca } : {}),
        ...(cert ? { cert } : {}),
        ...(key ? { key } : {}),
        ...(opts.servername ? { serverName: opts.servername } : {}),
      };
      return { kind: "buildkitd", address: endpoint, ...(Object.keys(tls).length > 0 ? { tls } : {}) };
    }
    case "docker":
      return { kind: "docker", endpoint };
    default:
      throw new DockerContextError(unreachableDriver(name, driver));
  }
}

// buildx reaches these drivers' buildkitd through `docker exec` or kubectl; drydock speaks gRPC to an address.
function unreachableDriver(name: string, driver: string | undefined): string {
  const how = driver === "docker-container"
    ? "its buildkitd listens only inside the container buildx_buildkit_" + name + "0, which buildx reaches " +
      "with `docker exec`"
    : driver === "kubernetes"
    ? "its buildkitd runs in a pod that buildx reaches with kubectl exec"
    : "drydock does not know how to reach it";
  return `buildx builder "${name}" uses the ${driver} driver: ${how}, which drydock does not do. ` +
    "Run buildkitd with a tcp address (`buildkitd --addr tcp://0.0.0.0:1234`, with TLS off this machine) and " +
    "use that with --host/--node (or a builder made with `docker buildx create --driver remote tcp://HOST:1234`), " +
    "or use the docker driver (Docker Engine's own BuildKit)";
}
