/**
 * Running a build.ts as a program in the background, to signal it.
 *
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { type ProgramResult, runtimeCommand } from "./runtime.ts";

/** A build.ts running as a child process. */
export interface RunningProgram {
  readonly child: ChildProcess;
  /** Everything written to stderr so far. */
  stderr(): string;
  /**
   * Sends a signal to the program. (Deno's `child.kill()` reports the signal
   * it sent as the way the child ended, hiding the real exit code; this does not.)
   */
  signal(name: NodeJS.Signals): void;
  /** Resolves when the program has exited. */
  readonly done: Promise<ProgramResult>;
}

/** Starts `file` under the runtime running the tests (Deno or Bun). */
export function startBuildFile(
  file: string,
  args: readonly string[],
  env: Record<string, string | undefined>,
  timeoutMs = 180_000,
): RunningProgram {
  const [cmd, argv] = runtimeCommand(file, args);
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, NO_COLOR: "1", ...env })) {
    if (v !== undefined) merged[k] = v;
  }
  const child = spawn(cmd, argv, { env: merged, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "", stderr = "";
  child.stdout!.on("data", (c) => (stdout += c));
  child.stderr!.on("data", (c) => (stderr += c));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const done = new Promise<ProgramResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, stderr: () => stderr, signal: (name) => process.kill(child.pid!, name), done };
}

/** Polls `check` every 100 ms until it returns true or `timeoutMs` passes; returns the last answer. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}
