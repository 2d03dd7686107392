/**
 * A cold CI build with an npm-style cache mount, with and without `persist`: how much a persisted cache
 * saves a runner that starts empty. Each timed build uses a cache id the engine has never seen (the cold
 * runner) and a step command it has never run; with `persist`, the mount is seeded from a registry copy
 * that a previous "CI run" saved (a fresh copy per run, so the engine pulls it cold too).
 *
 *   deno run -A bench/persist_ci.ts [--runs 3] [--packages 2000] [--download 8] [--engine dk26c]
 *
 * The "install" is simulated: `--download` seconds of waiting (the registry round trips of a real
 * `npm ci`) plus `--packages` files of 4 KiB written into the cache; with a warm cache it copies them
 * instead. Needs the suite's engines (tests/engines/up.sh) and $DRYDOCK_REGISTRY.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { buildTargets, cache, image, scratch } from "../mod.ts";
import type { PersistOption } from "../src/dsl/persist.ts";
import { median } from "./measure.ts";

/**
 * The step a CI build runs: installs from the cache when it holds the packages, else "downloads" them
 * into it. `nonce` makes the command new to the engine (a cold runner has no step cache either).
 *
 * @example
 * ```ts
 * import { installScript } from "./persist_ci.ts";
 * installScript({ packages: 10, download: 0 }, "n1").includes("# n1"); // true
 * ```
 */
export function installScript(shape: { packages: number; download: number }, nonce: string): string {
  return [
    "set -e",
    "mkdir -p /app/node_modules",
    "if [ ! -f /root/.npm/complete ]; then",
    `  sleep ${shape.download}`,
    "  mkdir -p /root/.npm/pkgs",
    "  i=0",
    `  while [ $i -lt ${shape.packages} ]; do head -c 4096 /dev/urandom > /root/.npm/pkgs/p$i; i=$((i+1)); done`,
    "  touch /root/.npm/complete",
    "fi",
    "cp -r /root/.npm/pkgs/. /app/node_modules/",
    `ls /app/node_modules | wc -l > /app/count # ${nonce}`,
  ].join("\n");
}

async function ciBuild(host: string, id: string, persist: PersistOption | undefined, script: string) {
  const out = mkdtempSync(join(tmpdir(), "drydock-bench-persist-"));
  const started = performance.now();
  try {
    const step = image("busybox").run(script, {
      mounts: { "/root/.npm": cache(id, persist ? { persist } : {}) },
    });
    const results = await buildTargets(
      { ci: { state: scratch().copy(step, "/app/count", "/count"), output: { type: "local", dest: out } } },
      { host, onNotice: () => {} },
    );
    return { seconds: (performance.now() - started) / 1000, persisted: results.ci.persisted?.[0] };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "3" },
      packages: { type: "string", default: "2000" },
      download: { type: "string", default: "8" },
      engine: { type: "string", default: "dk26c" },
    },
  });
  const host = process.env[`DRYDOCK_${values.engine.toUpperCase()}_HOST`];
  const registry = process.env.DRYDOCK_REGISTRY;
  if (!host || !registry) throw new Error("source the engines' env file (tests/engines/up.sh) first");
  const shape = { packages: Number(values.packages), download: Number(values.download) };
  const tag = `${Date.now().toString(36)}`;
  const plain: number[] = [], persisted: number[] = [];
  for (let i = 0; i < Number(values.runs); i++) {
    const run = `${tag}-${i}`;
    const without = await ciBuild(
      `docker+${host}`,
      `bench-plain-${run}`,
      undefined,
      installScript(shape, run),
    );
    // The previous CI run saves a copy; the timed run is the next runner, cold, seeded from it.
    const persist = { image: `${registry}/drydock-bench/persist-ci:${run}` };
    await ciBuild(`docker+${host}`, `bench-prime-${run}`, persist, installScript(shape, `prime-${run}`));
    const withPersist = await ciBuild(
      `docker+${host}`,
      `bench-cold-${run}`,
      persist,
      installScript(shape, run),
    );
    plain.push(without.seconds);
    persisted.push(withPersist.seconds);
    const p = withPersist.persisted;
    console.log(
      `run ${i + 1}: without persist ${without.seconds.toFixed(1)} s; with persist ${
        withPersist.seconds.toFixed(1)
      } s (copy ${((p?.size ?? 0) / 1e6).toFixed(1)} MB, seed lookup ${p?.seedSeconds.toFixed(2)} s, save ${
        p?.saveSeconds.toFixed(1)
      } s, ${p?.outcome})`,
    );
  }
  const a = median(plain), b = median(persisted);
  console.log(
    `\n| shape | without persist | with persist | saved |\n|---|---|---|---|\n` +
      `| ${shape.packages} × 4 KiB, ${shape.download} s download, ${values.engine} | ${a.toFixed(1)} s | ` +
      `${b.toFixed(1)} s | ${(a - b).toFixed(1)} s (${((1 - b / a) * 100).toFixed(0)}%) |`,
  );
}
