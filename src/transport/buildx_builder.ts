/**
 * buildx builder instances, as `docker buildx create` stores them in
 * `$BUILDX_CONFIG` (default `~/.docker/buildx`)`/instances/<name>`: a node
 * group whose first node says where its BuildKit is.
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

interface NodeGroup {
  Name?: string;
  Driver?: string;
  Nodes?: { Name?: string; Endpoint?: string; DriverOpts?: Record<string, string> | null }[];
}

/**
 * The endpoint of the buildx builder `name`, or `undefined` when there is no
 * such builder. Drivers drydock cannot reach (docker-container, kubernetes)
 * are an error that says so.
 *
 * @example
 * ```ts
 * import { readBuildxBuilder } from "./buildx_builder.ts";
 * // after `docker buildx create --name remote-bk --driver remote tcp://10.0.0.5:1234`:
 * readBuildxBuilder("remote-bk", { HOME: "/home/me" }); // { kind: "buildkitd", address: "tcp://10.0.0.5:1234" }
 * ```
 */
export function readBuildxBuilder(name: string, env: BuildxEnv): BuildxEndpoint | undefined {
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
  const node = group.Nodes?.[0];
  const endpoint = node?.Endpoint;
  if (!endpoint) throw new DockerContextError(`buildx builder "${name}" (${file}) has no node endpoint`);
  switch (group.Driver) {
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
      throw new DockerContextError(
        `buildx builder "${name}" uses the ${group.Driver} driver, which drydock cannot reach; ` +
          "point --host at its buildkitd instead (e.g. a remote builder's tcp:// address)",
      );
  }
}
