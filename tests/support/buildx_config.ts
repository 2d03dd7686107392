/**
 * A buildx configuration directory with builder instances, laid out as
 * `docker buildx create` writes it, for BUILDX_CONFIG.
 *
 * @module
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** One builder: its driver, its node's endpoint and driver options. */
export interface TestBuilder {
  driver: string;
  endpoint: string;
  driverOpts?: Record<string, string>;
}

/** Writes a buildx config dir holding `builders`; returns its path. */
export function makeBuildxConfig(builders: Record<string, TestBuilder>): string {
  const dir = mkdtempSync(join(tmpdir(), "drydock-buildxcfg-"));
  mkdirSync(join(dir, "instances"));
  for (const [name, b] of Object.entries(builders)) {
    writeFileSync(
      join(dir, "instances", name),
      JSON.stringify({
        Name: name,
        Driver: b.driver,
        Nodes: [{
          Name: `${name}0`,
          Endpoint: b.endpoint,
          Platforms: null,
          DriverOpts: b.driverOpts ?? null,
        }],
        Dynamic: false,
      }),
    );
  }
  return dir;
}
