/**
 * Pushing an image from an engine's store to a registry through the Docker
 * Engine API, to set up registry state for tests independently of drydock.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { request } from "node:http";

/**
 * `docker push name:tag` against the engine at `socket` (registry without auth).
 * Rejects when the engine reports an error in its progress stream.
 *
 * @example
 * ```ts
 * import { pushImage } from "./registry_push.ts";
 * // await pushImage("/run/docker.sock", "localhost:5000/app", "v1");
 * ```
 */
export function pushImage(socket: string, name: string, tag: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({
      socketPath: socket,
      path: `/images/${encodeURIComponent(name)}/push?tag=${encodeURIComponent(tag)}`,
      method: "POST",
      headers: { host: "docker", "X-Registry-Auth": Buffer.from("{}").toString("base64") },
    }, (res) => {
      const chunks: Uint8Array[] = [];
      res.on("data", (c: Uint8Array) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const failure = res.statusCode !== 200 ? text : /"error(Detail)?":/.test(text) ? text : undefined;
        if (failure) {
          reject(new Error(`push ${name}:${tag}: HTTP ${res.statusCode} ${failure.slice(0, 500)}`));
        } else resolve();
      });
    });
    req.on("error", reject);
    req.end();
  });
}
