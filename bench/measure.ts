/**
 * Running one command under `/usr/bin/time` for its wall time and peak RSS, and summarising runs.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** One finished run. */
export interface Run {
  /** Wall time of the whole command, seconds. */
  readonly seconds: number;
  /** Peak resident set of the largest process in the command's tree, bytes. */
  readonly peakRss: number;
  /** CPU time (user + system) of the command and its children, seconds. */
  readonly cpuSeconds: number;
  /** Bytes the client sent to the engine, when counted (the incremental shape). */
  readonly sentBytes?: number;
}

/**
 * Reads GNU time's `-f "%e %M %U %S"` line: elapsed seconds, max RSS in KiB, user and system seconds.
 *
 * @example
 * ```ts
 * import { parseTimeOutput } from "./measure.ts";
 * parseTimeOutput("Command exited with non-zero status 1\n2.41 60212 1.5 0.25\n"); // peakRss 61657088, cpuSeconds 1.75
 * ```
 */
export function parseTimeOutput(text: string): Run {
  const line = text.trim().split("\n").at(-1) ?? "";
  const m = /^(\d+(?:\.\d+)?) (\d+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/.exec(line.trim());
  if (!m) throw new Error(`unexpected /usr/bin/time output: ${JSON.stringify(text)}`);
  return { seconds: Number(m[1]), peakRss: Number(m[2]) * 1024, cpuSeconds: Number(m[3]) + Number(m[4]) };
}

/**
 * Runs `argv` with `env` added, under `/usr/bin/time`; rejects with its output if it fails.
 * The wall time is measured here (GNU time rounds to 10 ms); the peak RSS comes from `wait4`'s rusage,
 * which covers the command and the children it waited for (the docker CLI and its buildx plugin).
 *
 * @example
 * ```ts
 * import { timed } from "./measure.ts";
 * const run = await timed(["true"], {});
 * console.log(run.seconds, run.peakRss);
 * ```
 */
export async function timed(argv: readonly string[], env: Record<string, string>): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "drydock-bench-time-"));
  const out = join(dir, "time.txt");
  try {
    const started = performance.now();
    const child = spawn("/usr/bin/time", ["-o", out, "-f", "%e %M %U %S", ...argv], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c) => (output += c));
    child.stderr.on("data", (c) => (output += c));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", resolve);
    });
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`${argv.join(" ")} exited with ${code}:\n${output.slice(-4000)}`);
    return { ...parseTimeOutput(readFileSync(out, "utf8")), seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The median (mean of the middle two for an even count).
 *
 * @example
 * ```ts
 * import { median } from "./measure.ts";
 * median([3, 1, 2]); // 2
 * ```
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of nothing");
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
