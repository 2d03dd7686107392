/**
 * A docker CLI configuration directory with contexts, laid out as the docker
 * CLI writes it, for DOCKER_CONFIG.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Writes a config dir with the given contexts (name → Docker host) and current context. */
export function makeDockerConfig(
  contexts: Record<string, string>,
  currentContext?: string,
): string {
  const dir = mkdtempSync(join(tmpdir(), "drydock-dockercfg-"));
  writeFileSync(join(dir, "config.json"), JSON.stringify(currentContext ? { currentContext } : {}));
  for (const [name, host] of Object.entries(contexts)) {
    const meta = join(dir, "contexts", "meta", createHash("sha256").update(name).digest("hex"));
    mkdirSync(meta, { recursive: true });
    writeFileSync(
      join(meta, "meta.json"),
      JSON.stringify({
        Name: name,
        Metadata: {},
        Endpoints: { docker: { Host: host, SkipTLSVerify: false } },
      }),
    );
  }
  return dir;
}
