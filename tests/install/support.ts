/**
 * Running commands in a user's project folder outside the checkout, with the
 * runtimes this checkout installed on PATH and caches inside the test's temp dir.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** The checkout. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The checkout's package.json. */
export const PACKAGE = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));

/** What a command printed and how it ended. */
export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The command line, for failure messages. */
  command: string;
}

/**
 * Runs `command args` in `cwd` (asynchronously: the test's own registry must keep serving).
 *
 * @example
 * ```ts
 * import { run } from "./support.ts";
 * // const r = await run("/tmp/app", "deno", ["task", "build"], { DOCKER_HOST: "unix:///var/run/docker.sock" });
 * ```
 */
export function run(
  cwd: string,
  command: string,
  args: readonly string[],
  env: Record<string, string | undefined>,
  timeoutMs = 300_000,
): Promise<Ran> {
  const merged: Record<string, string> = {};
  const path = `${join(ROOT, "node_modules", ".bin")}:${process.env.PATH ?? ""}`;
  for (const [k, v] of Object.entries({ ...process.env, NO_COLOR: "1", PATH: path, ...env })) {
    if (v !== undefined) merged[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: merged, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, command: `(cd ${cwd} && ${command} ${args.join(" ")})` });
    });
  });
}

/**
 * A failure message with everything the command printed.
 *
 * @example
 * ```ts
 * import { explain } from "./support.ts";
 * explain({ code: 1, stdout: "", stderr: "boom", command: "deno task build" });
 * ```
 */
export function explain(r: Ran): string {
  return `${r.command} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}
