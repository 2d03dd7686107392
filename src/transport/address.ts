/**
 * Engine addresses: where a BuildKit is reachable and how to speak to it.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";

/** How to reach a socket: a unix path or a TCP host and port. */
export type SocketAddress =
  | { readonly kind: "unix"; readonly path: string }
  | { readonly kind: "tcp"; readonly host: string; readonly port: number };

/** TLS material for tcp engines, as file contents. */
export interface TlsOptions {
  /** PEM certificates of the authority that signed the engine's certificate. @default the system's */
  readonly ca?: Uint8Array;
  /** PEM client certificate, for engines that check clients. */
  readonly cert?: Uint8Array;
  /** PEM private key of `cert`. */
  readonly key?: Uint8Array;
  /** Server name to verify instead of the host. */
  readonly serverName?: string;
}

/** An engine to connect to: Docker's embedded BuildKit or a standalone buildkitd. */
export interface EngineAddress {
  /** Docker Engine (BuildKit behind its `/grpc` and `/session` upgrades) or a buildkitd spoken to directly. */
  readonly engine: "docker" | "buildkitd";
  /** Where to connect. */
  readonly socket: SocketAddress;
  /** The address as the user wrote it, for messages. */
  readonly text: string;
  /** Where the address came from, e.g. `BUILDKIT_HOST`, for messages. */
  readonly origin: string;
  /** TLS material, for a tcp address that needs it. */
  readonly tls?: TlsOptions;
}

/** An address could not be understood. */
export class AddressError extends DrydockError {
  override name = "AddressError";
  constructor(message: string) {
    super("E_ADDRESS", message);
  }
}

/**
 * Parses `unix:///path`, `tcp://host:port` (or a bare absolute socket path).
 *
 * @example
 * ```ts
 * import { parseSocketAddress } from "./address.ts";
 * parseSocketAddress("unix:///run/buildkit/buildkitd.sock"); // { kind: "unix", path: "/run/buildkit/buildkitd.sock" }
 * parseSocketAddress("tcp://127.0.0.1:1234"); // { kind: "tcp", host: "127.0.0.1", port: 1234 }
 * ```
 */
export function parseSocketAddress(text: string, defaultPort = 2375): SocketAddress {
  if (text.startsWith("/")) return { kind: "unix", path: text };
  const m = /^([a-z0-9+.-]+):\/\/(.*)$/i.exec(text);
  if (!m) throw new AddressError(`"${text}" is not an address; use unix:///path/to.sock or tcp://host:port`);
  const [, scheme, rest] = m;
  switch (scheme.toLowerCase()) {
    case "unix":
      if (!rest.startsWith("/")) {
        throw new AddressError(`"${text}": a unix address needs an absolute path (unix:///path)`);
      }
      return { kind: "unix", path: rest };
    case "tcp": {
      const hp = /^(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(rest);
      if (!hp) throw new AddressError(`"${text}": expected tcp://host:port`);
      const port = hp[2] === undefined ? defaultPort : Number(hp[2]);
      if (!(port > 0 && port < 65536)) throw new AddressError(`"${text}": port must be 1-65535`);
      return { kind: "tcp", host: hp[1].replace(/^\[|\]$/g, ""), port };
    }
    default:
      throw new AddressError(
        `"${text}": unsupported scheme "${scheme}"; drydock speaks unix:// and tcp:// (docker-container:// and npipe:// are not supported)`,
      );
  }
}

/**
 * Formats a socket address the way users write it.
 *
 * @example
 * ```ts
 * import { formatSocketAddress } from "./address.ts";
 * formatSocketAddress({ kind: "tcp", host: "::1", port: 80 }); // "tcp://[::1]:80"
 * ```
 */
export function formatSocketAddress(a: SocketAddress): string {
  if (a.kind === "unix") return `unix://${a.path}`;
  return `tcp://${a.host.includes(":") ? `[${a.host}]` : a.host}:${a.port}`;
}
