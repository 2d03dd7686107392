/**
 * Running a build.ts as a program with the runtime running the tests (Deno or Bun).
 *
 * @module
 */
import { spawn } from "node:child_process";
import process from "node:process";

/** What a finished program printed and how it exited. */
export interface ProgramResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `deno run -A file args` under Deno, `bun file args` under Bun. */
export function runtimeCommand(file: string, args: readonly string[]): [string, string[]] {
  const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
  return [process.execPath, isDeno ? ["run", "-A", file, ...args] : [file, ...args]];
}

/** Runs a build.ts to completion. */
export function runBuildFile(
  file: string,
  args: readonly string[],
  env: Record<string, string | undefined>,
  timeoutMs = 180_000,
): Promise<ProgramResult> {
  const [cmd, argv] = runtimeCommand(file, args);
  return new Promise((resolve, reject) => {
    const merged: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, NO_COLOR: "1", ...env })) {
      if (v !== undefined) merged[k] = v;
    }
    const child = spawn(cmd, argv, { env: merged, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
