/**
 * A stand-in for a remote buildkitd: listens on a unix socket or a loopback TCP
 * port and, for each connection, opens Docker's `/grpc` upgrade and pipes the
 * bytes both ways. A client pointed at it with BUILDKIT_HOST speaks plain gRPC
 * and carries its session in `Control.Session`, exactly as with a buildkitd.
 *
 * Written with raw sockets (not drydock's transport code) so it checks our
 * client independently.
 *
 * @module
 */
import { connect, createServer, type Server, type Socket } from "node:net";

/** A running stand-in. */
export interface StandIn {
  /** `unix:///…sock` or `tcp://127.0.0.1:PORT`. */
  readonly address: string;
  /** Connections accepted so far. */
  readonly connections: () => number;
  close(): Promise<void>;
}

/** Options of {@link startStandIn}. */
export interface StandInOptions {
  /** Listen here (unix socket path); default: a loopback TCP port. */
  socketPath?: string;
  /**
   * Hold the engine's first bytes after the 101 for this long, then deliver them
   * in one write with the 101, so they arrive in the same read (the Bun case).
   */
  coalesceMs?: number;
  /** Path to upgrade: `/grpc` (default) or anything else to test refusals. */
  upgradePath?: string;
}

/** Starts a stand-in in front of the Docker socket `dockerSocket`. */
export async function startStandIn(dockerSocket: string, options: StandInOptions = {}): Promise<StandIn> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server: Server = createServer((client) => {
    count++;
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => {});
    client.pause();
    const upstream = connect({ path: dockerSocket });
    sockets.add(upstream);
    upstream.on("close", () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    let head = Buffer.alloc(0);
    const onHead = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end === -1) return;
      upstream.off("data", onHead);
      if (!head.subarray(0, end).toString().startsWith("HTTP/1.1 101")) {
        client.destroy();
        upstream.destroy();
        return;
      }
      const rest = head.subarray(end + 4);
      // Now raw HTTP/2: the client speaks first as the gRPC client.
      if (rest.length > 0) client.write(rest);
      upstream.pipe(client);
      client.pipe(upstream);
      client.resume();
    };
    upstream.on("connect", () => {
      upstream.write(
        `POST ${options.upgradePath ?? "/grpc"} HTTP/1.1\r\nHost: docker\r\nContent-Length: 0\r\n` +
          "Connection: Upgrade\r\nUpgrade: h2c\r\n\r\n",
      );
    });
    upstream.on("data", onHead);
  });
  const address = await new Promise<string>((resolve, reject) => {
    server.once("error", reject);
    if (options.socketPath) server.listen(options.socketPath, () => resolve(`unix://${options.socketPath}`));
    else {
      server.listen(0, "127.0.0.1", () => {
        const a = server.address();
        resolve(`tcp://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`);
      });
    }
  });
  return {
    address,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Options of {@link startCoalescingProxy}. */
export interface CoalescingProxy {
  /** `unix:///…sock`, to use as DOCKER_HOST. */
  readonly address: string;
  /** How many upgrade answers were delivered together with following HTTP/2 bytes. */
  readonly coalesced: () => number;
  close(): Promise<void>;
}

/**
 * A Docker-socket proxy that, after each `101 Switching Protocols`, holds the
 * engine's bytes for `delayMs` and then writes the 101 and those bytes in ONE
 * write, so the client reads them together. This forces the "leftover bytes
 * after the upgrade" case that Bun's HTTP/2 mishandles without a replaying stream.
 */
export async function startCoalescingProxy(
  dockerSocket: string,
  socketPath: string,
  delayMs = 200,
): Promise<CoalescingProxy> {
  const sockets = new Set<Socket>();
  let coalesced = 0;
  const server = createServer((client) => {
    sockets.add(client);
    const upstream = connect({ path: dockerSocket });
    sockets.add(upstream);
    for (const s of [client, upstream]) {
      s.on("error", () => {});
      s.on("close", () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    let held: Buffer | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let passthrough = false;
    upstream.on("data", (chunk: Buffer) => {
      if (passthrough) return void client.write(chunk);
      held = held ? Buffer.concat([held, chunk]) : chunk;
      if (timer) return;
      const text = held.toString("latin1");
      if (!text.startsWith("HTTP/1.1 101")) {
        passthrough = true;
        client.write(held);
        return;
      }
      timer = setTimeout(() => {
        passthrough = true;
        const end = held!.indexOf("\r\n\r\n");
        if (held!.length > end + 4) coalesced++;
        client.write(held!);
      }, delayMs);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => resolve());
  });
  return {
    address: `unix://${socketPath}`,
    coalesced: () => coalesced,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
