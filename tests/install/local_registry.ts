/**
 * A one-package npm registry on localhost: it serves the packed tarball of
 * this checkout as if it were published, and redirects every other request to
 * the public registry. With `NPM_CONFIG_REGISTRY` pointing at it, `npx`,
 * `bunx`, `deno run npm:` and `deno install` install drydock exactly as a user
 * would after the maintainer's publish.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";

const UPSTREAM = "https://registry.npmjs.org";

/** A running registry. */
export interface LocalRegistry {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves `tarball` (from `npm pack`) as the package described by `manifest` (its package.json).
 *
 * @example
 * ```ts
 * import { startLocalRegistry } from "./local_registry.ts";
 * // const registry = await startLocalRegistry("/tmp/x/drydock-core-0.1.0.tgz", packageJson);
 * // ... NPM_CONFIG_REGISTRY=registry.url ...
 * // await registry.close();
 * ```
 */
export async function startLocalRegistry(
  tarball: string,
  manifest: { name: string; version: string } & Record<string, unknown>,
): Promise<LocalRegistry> {
  const bytes = readFileSync(tarball);
  const shasum = createHash("sha1").update(bytes).digest("hex");
  const integrity = `sha512-${createHash("sha512").update(bytes).digest("base64")}`;
  const tarballPath = `/${manifest.name}/-/${manifest.name.split("/").pop()}-${manifest.version}.tgz`;
  let url = "";
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? "/").split("?")[0]);
    if (path === `/${manifest.name}`) {
      const version = { ...manifest, dist: { tarball: `${url}${tarballPath}`, shasum, integrity } };
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({
        name: manifest.name,
        "dist-tags": { latest: manifest.version },
        versions: { [manifest.version]: version },
      }));
    } else if (path === tarballPath) {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": bytes.length });
      res.end(bytes);
    } else {
      res.writeHead(302, { location: `${UPSTREAM}${req.url}` });
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
