/**
 * Soak test (not in CI): many builds from one process, to see whether memory,
 * file descriptors or temp dirs grow. Runs N sequential builds, then R rounds
 * of T concurrent targets, each exporting a tar or a directory, and prints
 * RSS, JS heap, open fds and drydock temp dirs as it goes.
 *
 *   deno run -A --v8-flags=--expose-gc bench/soak.ts [--sequential 1000] [--concurrent 50] [--rounds 5] [--every 100]
 *   bun bench/soak.ts ...
 *
 * The engine comes from BUILDKIT_HOST/DOCKER_HOST, or DRYDOCK_DK26C_HOST (tests/engines/up.sh).
 *
 * @module
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { parseArgs } from "node:util";
import { buildTargets, image, scratch, type Target } from "../mod.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    sequential: { type: "string", default: "1000" },
    concurrent: { type: "string", default: "50" },
    rounds: { type: "string", default: "5" },
    every: { type: "string", default: "100" },
  },
});
const sequential = Number(values.sequential);
const concurrent = Number(values.concurrent);
const rounds = Number(values.rounds);
const every = Number(values.every);
const dk26c = process.env.DRYDOCK_DK26C_HOST;
const host = process.env.BUILDKIT_HOST || process.env.DOCKER_HOST ? undefined : dk26c && `docker+${dk26c}`;
const runtime = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined" ? "Deno" : "Bun";

function sample(label: string, t0: number): string {
  // A full collection first where the runtime allows it (Bun; Deno with --v8-flags=--expose-gc), so the
  // figures are what stays alive, not what waits for the collector.
  const bun = (globalThis as { Bun?: { gc(force: boolean): void } }).Bun;
  if (bun) bun.gc(true);
  else (globalThis as { gc?: () => void }).gc?.();
  const memory = process.memoryUsage();
  const rss = (memory.rss / 1024 / 1024).toFixed(0);
  // The JS heap apart from RSS: RSS also follows allocator caches; a leak grows the heap.
  const heap = (memory.heapUsed / 1024 / 1024).toFixed(0);
  const fds = readdirSync("/proc/self/fd").length;
  const temps = readdirSync(tmpdir()).filter((d) =>
    d.startsWith("drydock-") && !d.startsWith("drydock-soak")
  );
  const line = `${runtime} ${label.padEnd(22)} ${((Date.now() - t0) / 1000).toFixed(0).padStart(5)} s  ` +
    `rss ${rss.padStart(4)} MB  heap ${heap.padStart(4)} MB  ` +
    `fds ${String(fds).padStart(4)}  drydock temp dirs ${temps.length}`;
  console.log(line);
  return line;
}

const work = mkdtempSync(join(tmpdir(), "drydock-soak-"));
// drydock's own temp dirs go here, so they can be counted apart from other programs' ones.
process.env.TMPDIR = work;
const base = image("busybox").run("echo soak > /soak.txt"); // cached after the first build
const t0 = Date.now();
try {
  sample("start", t0);
  for (let i = 1; i <= sequential; i++) {
    const state = scratch().copy(base, "/soak.txt", "/soak.txt").mkfile("/n.txt", `${i}\n`);
    const dest = join(work, `seq-${i}.tar`);
    await buildTargets({ seq: { state, output: { type: "tar", dest } } }, { host });
    rmSync(dest);
    if (i % every === 0 || i === sequential) sample(`sequential ${i}/${sequential}`, t0);
  }
  for (let r = 1; r <= rounds; r++) {
    const targets: Record<string, Target> = {};
    for (let i = 0; i < concurrent; i++) {
      targets[`t${i}`] = {
        state: scratch().copy(base, "/soak.txt", "/soak.txt").mkfile("/n.txt", `${r}-${i}\n`),
        output: { type: "local", dest: join(work, `r${r}`, `t${i}`) },
      };
    }
    await buildTargets(targets, { host });
    rmSync(join(work, `r${r}`), { recursive: true });
    sample(`concurrent ${concurrent} x${r}/${rounds}`, t0);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
