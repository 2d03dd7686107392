/**
 * Docker credential helpers (`docker-credential-<name>`), run the way the
 * Docker CLI runs them: `get` with the server address on stdin, JSON on stdout.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { DrydockError } from "../core/errors.ts";
import { onExit } from "../core/exit_cleanup.ts";

/** What a helper returned. An identity token comes back with the user `<token>`. */
export interface HelperCredentials {
  readonly username: string;
  readonly secret: string;
}

// Helpers print this (exit 1) for an address they hold nothing for; that is not an error.
const NOT_FOUND = /credentials not found/i;

/**
 * Asks `docker-credential-<helper>` for `serverAddress`. Resolves `undefined`
 * when the helper has nothing for it; rejects when the helper fails, with the
 * code `E_CREDENTIAL_HELPER_MISSING` when it is not installed.
 *
 * @example
 * ```ts
 * import { runCredentialHelper } from "./credential_helper.ts";
 * const creds = await runCredentialHelper("pass", "ghcr.io");
 * ```
 */
export function runCredentialHelper(
  helper: string,
  serverAddress: string,
  timeoutMs = 30_000,
): Promise<HelperCredentials | undefined> {
  const program = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    const child = spawn(program, ["get"], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    // A helper still running when we exit (a signal's immediate exit) is stopped with us.
    const forget = onExit(() => child.kill("SIGKILL"));
    child.on("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      forget();
      const code = err.code === "ENOENT" ? "E_CREDENTIAL_HELPER_MISSING" : "E_REGISTRY_AUTH";
      reject(new DrydockError(code, `credential helper ${program} could not run: ${err.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      forget();
      if (code !== 0) {
        if (NOT_FOUND.test(stdout) || NOT_FOUND.test(stderr)) return resolve(undefined);
        const why = (stderr.trim() || stdout.trim() || `exit ${signal ?? code}`).slice(0, 300);
        return reject(
          new DrydockError(
            "E_REGISTRY_AUTH",
            `credential helper ${program} failed for ${serverAddress}: ${why}`,
          ),
        );
      }
      try {
        const parsed = JSON.parse(stdout) as { Username?: unknown; Secret?: unknown };
        const username = typeof parsed.Username === "string" ? parsed.Username : "";
        const secret = typeof parsed.Secret === "string" ? parsed.Secret : "";
        resolve(username === "" && secret === "" ? undefined : { username, secret });
      } catch {
        // The output holds the secret: never quote it.
        reject(
          new DrydockError(
            "E_REGISTRY_AUTH",
            `credential helper ${program} printed something that is not JSON`,
          ),
        );
      }
    });
    child.stdin.on("error", () => {/* a helper that exits early; reported on close */});
    child.stdin.end(serverAddress);
  });
}
