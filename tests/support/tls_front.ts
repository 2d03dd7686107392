/**
 * A TLS server that requires a client certificate (mutual TLS) and pipes each
 * connection to a plain TCP address: put in front of the buildkitd stand-in,
 * it is a remote buildkitd over tcp:// with mTLS.
 *
 * @module
 */
import { connect, type Socket } from "node:net";
import { readFileSync } from "node:fs";
import { createServer, type TLSSocket } from "node:tls";

/** A running TLS front. */
export interface TlsFront {
  /** `tcp://127.0.0.1:PORT`. */
  readonly address: string;
  /** Connections that completed the TLS handshake. */
  readonly accepted: () => number;
  /** Handshakes that failed (e.g. a client certificate from another CA). */
  readonly refused: () => number;
  close(): Promise<void>;
}

/** Starts a TLS front for `upstream` (`tcp://host:port`), trusting clients signed by `clientCa`. */
export async function startTlsFront(
  upstream: string,
  files: { cert: string; key: string; clientCa: string },
): Promise<TlsFront> {
  const [host, port] = upstream.replace("tcp://", "").split(":");
  const sockets = new Set<Socket>();
  let accepted = 0, refused = 0;
  const server = createServer({
    cert: readFileSync(files.cert),
    key: readFileSync(files.key),
    ca: readFileSync(files.clientCa),
    requestCert: true,
    rejectUnauthorized: true,
    ALPNProtocols: ["h2"],
  }, (client: TLSSocket) => {
    accepted++;
    const plain = connect({ host, port: Number(port) });
    for (const s of [client, plain]) {
      sockets.add(s);
      s.on("error", () => {});
      s.on("close", () => {
        sockets.delete(s);
        client.destroy();
        plain.destroy();
      });
    }
    client.pipe(plain);
    plain.pipe(client);
  });
  server.on("tlsClientError", () => refused++);
  const address = await new Promise<string>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const a = server.address();
      resolve(`tcp://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`);
    });
  });
  return {
    address,
    accepted: () => accepted,
    refused: () => refused,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
