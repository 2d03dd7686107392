/**
 * Last-resort cleanup of what drydock leaves outside the process (helper
 * processes, temp dirs) when it exits before closing them: `process.exit()`
 * from a signal handler, an uncaught error. Normal paths close their resources
 * themselves and unregister.
 *
 * @module
 */
import process from "node:process";

const pending = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const cleanup of [...pending]) {
    pending.delete(cleanup);
    try {
      cleanup();
    } catch { /* exiting: nothing left to report to */ }
  }
}

/**
 * Registers a synchronous cleanup to run if the process exits first; returns
 * the function that unregisters it (call it once the resource is closed).
 *
 * @example
 * ```ts
 * import { rmSync } from "node:fs";
 * import { onExit } from "./exit_cleanup.ts";
 * const forget = onExit(() => rmSync("/tmp/drydock-x", { recursive: true, force: true }));
 * // ... later, after removing it normally:
 * forget();
 * ```
 */
export function onExit(cleanup: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on("exit", runAll);
  }
  pending.add(cleanup);
  return () => void pending.delete(cleanup);
}

/**
 * Runs every registered cleanup now (for signal handlers that exit without
 * `process.exit()` running the `exit` event, and for tests).
 *
 * @example
 * ```ts
 * import { runExitCleanups } from "./exit_cleanup.ts";
 * runExitCleanups();
 * ```
 */
export function runExitCleanups(): void {
  runAll();
}
