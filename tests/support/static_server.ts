/**
 * A tiny HTTP server on 127.0.0.1 serving a directory, for `http()` and `git()`
 * sources: the engines run on this host, so their daemons reach it directly.
 * A git repository is served the "dumb" way (plain files after
 * `git update-server-info`), which git clients fetch without a git server.
 *
 * @module
 */
import { createServer, type Server } from "node:http";
import { readFile } from "node:fs/promises";
import { join, normalize } from "node:path";

/** A running server; `url` has no trailing slash. */
export interface StaticServer {
  readonly url: string;
  /** Paths requested so far, in order. */
  readonly requests: string[];
  /** The headers of each request, in the same order. */
  readonly headers: Record<string, string | string[] | undefined>[];
  close(): Promise<void>;
}

/** Options of {@link serveDirectory}. */
export interface ServeOptions {
  /** Answer 401 unless a request carries exactly this `Authorization` header. */
  authorization?: string;
  /** The port to listen on; a port in use rejects (`EADDRINUSE`). @default a free one */
  port?: number;
}

/**
 * Serves the files under `root` until closed.
 *
 * @example
 * ```ts
 * import { serveDirectory } from "./static_server.ts";
 * const server = await serveDirectory("/tmp/files");
 * // fetch(`${server.url}/a.txt`) ...
 * await server.close();
 * ```
 */
export async function serveDirectory(root: string, options: ServeOptions = {}): Promise<StaticServer> {
  const requests: string[] = [];
  const headers: Record<string, string | string[] | undefined>[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    requests.push(path);
    headers.push({ ...req.headers });
    if (options.authorization !== undefined && req.headers.authorization !== options.authorization) {
      res.writeHead(401, { "www-authenticate": 'Basic realm="drydock-test"' });
      res.end();
      return;
    }
    const file = join(root, normalize(path).replace(/^(\.\.(\/|$))+/, ""));
    readFile(file).then(
      (data) => {
        res.writeHead(200, { "content-length": data.byteLength, "content-type": "application/octet-stream" });
        res.end(data);
      },
      () => {
        res.writeHead(404);
        res.end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", resolve);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    headers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
