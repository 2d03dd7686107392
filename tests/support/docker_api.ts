/**
 * The few Docker Engine API calls tests use to check results independently of drydock.
 *
 * @module
 */
import { request } from "node:http";

/** GETs (or DELETEs) a Docker API path over a unix socket and parses the JSON answer. */
export function dockerApi(
  socket: string,
  path: string,
  method = "GET",
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path, method, headers: { host: "docker" } }, (res) => {
      const chunks: Uint8Array[] = [];
      res.on("data", (c: Uint8Array) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch { /* not JSON */ }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/** The `Config` of an image, as `docker image inspect` shows it. */
export async function imageConfig(socket: string, name: string): Promise<Record<string, unknown>> {
  const { status, body } = await dockerApi(socket, `/images/${encodeURIComponent(name)}/json`);
  if (status !== 200) throw new Error(`inspect ${name}: HTTP ${status} ${JSON.stringify(body)}`);
  return (body as { Config: Record<string, unknown> }).Config;
}

/** Removes an image; missing is fine. */
export async function removeImage(socket: string, name: string): Promise<void> {
  await dockerApi(socket, `/images/${encodeURIComponent(name)}?force=1`, "DELETE");
}
