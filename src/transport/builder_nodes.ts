/**
 * The nodes of a multi-node builder: engines by address, docker context or buildx builder, each with the
 * platforms it is declared to serve. From build.ts's `builder.nodes`, the CLI's `--node`, or a buildx builder
 * made with `docker buildx create --append`.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { DrydockError } from "../core/errors.ts";
import { isPlatformText, PLATFORM_RULE } from "../core/platform.ts";
import type { EngineAddress, TlsOptions } from "./address.ts";
import { readBuildxNodes } from "./buildx_builder.ts";
import { addressOfBuildxEndpoint, type EngineEnv, engineNamed } from "./discover.ts";

/** One node as a user writes it (build.ts's `builder.nodes`, or `--node`). */
export interface NodeOption {
  /**
   * The engine: `unix:///…` or `tcp://host:port` (a buildkitd), `docker+unix:///…` or `docker+tcp://…` (Docker
   * Engine), or a docker context or buildx builder by name.
   */
  address: string;
  /** Platforms it serves natively, e.g. `["linux/arm64"]`. @default the platforms its workers report */
  platforms?: string[];
  /** Its name in progress and the summary. @default the socket's file name, the host:port or the context name */
  name?: string;
  /** TLS files for a tcp engine. */
  tls?: { ca?: string; cert?: string; key?: string; serverName?: string };
}

/** A node ready to connect to. */
export interface BuilderNode {
  readonly name: string;
  readonly address: EngineAddress;
  /** Declared platforms (`os/arch[/variant]`); empty: ask the engine's workers. */
  readonly platforms: readonly string[];
}

/** A `--node` or builder node that cannot be used. */
export class BuilderNodeError extends DrydockError {
  override name = "BuilderNodeError";
  constructor(message: string) {
    super("E_SPEC", message);
  }
}

/**
 * Reads `--node`'s value: the address, then `key=value` words (`platforms=linux/amd64,linux/arm64`, `name=`,
 * `cacert=`, `cert=`, `key=`, `servername=`), separated by spaces or commas.
 *
 * @example
 * ```ts
 * import { parseNodeFlag } from "./builder_nodes.ts";
 * parseNodeFlag("tcp://arm:1234 platforms=linux/arm64"); // { address: "tcp://arm:1234", platforms: ["linux/arm64"] }
 * ```
 */
export function parseNodeFlag(text: string): NodeOption {
  const words = text.trim().split(/\s+/);
  const node: NodeOption = { address: words[0] ?? "" };
  if (!node.address || node.address.includes("=")) {
    throw new BuilderNodeError(
      `--node "${text}": start with the engine's address (unix://, tcp://, docker+unix://)`,
    );
  }
  const tls: NonNullable<NodeOption["tls"]> = {};
  for (const word of words.slice(1)) {
    const eq = word.indexOf("=");
    const [key, value] = [word.slice(0, eq), word.slice(eq + 1)];
    if (eq < 1 || !value) throw new BuilderNodeError(`--node "${text}": "${word}" is not key=value`);
    if (key === "platforms" || key === "platform") node.platforms = value.split(",").filter(Boolean);
    else if (key === "name") node.name = value;
    else if (key === "cacert" || key === "ca") tls.ca = value;
    else if (key === "cert") tls.cert = value;
    else if (key === "key") tls.key = value;
    else if (key === "servername") tls.serverName = value;
    else {
      throw new BuilderNodeError(
        `--node "${text}": unknown key "${key}"; keys are platforms, name, cacert, cert, key, servername`,
      );
    }
  }
  if (Object.keys(tls).length > 0) node.tls = tls;
  for (const p of node.platforms ?? []) {
    if (!isPlatformText(p)) throw new BuilderNodeError(`--node "${text}": platform "${p}" ${PLATFORM_RULE}`);
  }
  return node;
}

/**
 * The nodes to connect to, addresses resolved (TLS files read); names made unique.
 *
 * @example
 * ```ts
 * import { resolveNodes } from "./builder_nodes.ts";
 * resolveNodes({}, [{ address: "unix:///run/arm.sock", platforms: ["linux/arm64"] }], "--node")[0].name; // "arm"
 * ```
 */
export function resolveNodes(env: EngineEnv, nodes: readonly NodeOption[], origin: string): BuilderNode[] {
  const seen = new Set<string>();
  return nodes.map((n, i) => {
    let address = engineNamed(env, n.address, `${origin} node ${i + 1}`);
    if (n.tls) address = { ...address, tls: readTls(n.tls, n.address) };
    let name = n.name ?? defaultName(n.address, address);
    if (seen.has(name)) name = `${name}#${i + 1}`;
    seen.add(name);
    return { name, address, platforms: n.platforms ?? [] };
  });
}

/**
 * The nodes of a buildx builder, or `undefined` when there is no builder by that name.
 *
 * @example
 * ```ts
 * import { buildxBuilderNodes } from "./builder_nodes.ts";
 * buildxBuilderNodes({ HOME: "/home/me" }, "two")?.map((n) => n.name); // ["two0", "two1"]
 * ```
 */
export function buildxBuilderNodes(env: EngineEnv, name: string): BuilderNode[] | undefined {
  return readBuildxNodes(name, env)?.map((n) => ({
    name: n.name,
    address: addressOfBuildxEndpoint(env, n.endpoint, `buildx builder "${name}" node ${n.name}`),
    platforms: n.platforms,
  }));
}

function defaultName(text: string, address: EngineAddress): string {
  if (!text.includes("://")) return text;
  if (address.socket.kind === "unix") return basename(address.socket.path).replace(/\.sock$/, "");
  return `${address.socket.host}:${address.socket.port}`;
}

function readTls(files: NonNullable<NodeOption["tls"]>, node: string): TlsOptions {
  const read = (label: string, path: string | undefined) => {
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      throw new BuilderNodeError(
        `node ${node}: cannot read its TLS ${label} ${path}: ${(err as Error).message}`,
      );
    }
  };
  const [ca, cert, key] = [read("ca", files.ca), read("cert", files.cert), read("key", files.key)];
  return {
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(files.serverName ? { serverName: files.serverName } : {}),
  };
}
