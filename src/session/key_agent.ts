/**
 * An ssh-agent of our own holding given key files, for `ssh()` mounts that
 * name keys instead of an agent socket. We run OpenSSH's `ssh-agent` and
 * `ssh-add` rather than reimplementing key formats and signing: they read
 * every key type and passphrase prompt the user's ssh reads.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { DrydockError } from "../core/errors.ts";
import { onExit } from "../core/exit_cleanup.ts";

/** A running agent. */
export interface KeyAgent {
  /** Its unix socket (what `SSH_AUTH_SOCK` would be). */
  readonly socket: string;
  /** The ssh-agent's process id. */
  readonly pid: number;
  /** Stops the agent and removes its socket. */
  close(): Promise<void>;
}

const INSTALL_HINT = "install OpenSSH's client tools (Debian/Ubuntu: apt-get install openssh-client)";

// ssh-agent runs this script as its command: it prints the agent's pid, then waits for its standard
// input (a pipe from us) to close. That happens when we close the agent or when our process ends in
// any way, SIGKILL included: it then stops the agent and removes the socket's directory. Terminal
// signals are ignored; the agent itself runs in its own session and exits if this script dies.
const WATCHDOG = `trap '' INT HUP TERM QUIT; echo "$SSH_AGENT_PID"; while read -r _; do :; done; ` +
  `kill "$SSH_AGENT_PID" 2>/dev/null; rm -rf "$1"`;

// Deno without --allow-run refuses to start the program: the fix is a permission, not an install.
function cannotRun(program: string, err: Error, label: string): DrydockError {
  if (/^(NotCapable|PermissionDenied)$/.test(err.name)) {
    return new DrydockError(
      "E_SSH_AGENT",
      `${label}: no permission to run ${program} (needed to load ssh keys): run deno run -P build.ts with the ` +
        "permission set in deno.json, or add --allow-run=ssh-agent,ssh-add",
    );
  }
  return new DrydockError(
    "E_SSH_AGENT",
    `${label}: could not run ${program} (${err.message}); ${INSTALL_HINT}`,
  );
}

/**
 * Starts `ssh-agent` on a private socket and adds `keys` to it. Fails with a
 * {@link DrydockError} naming the key when `ssh-add` refuses it. The agent
 * ends with this process however it ends (even SIGKILL), and its temp
 * directory goes with it.
 *
 * @example
 * ```ts
 * import { startKeyAgent } from "./key_agent.ts";
 * const agent = await startKeyAgent(["/home/me/.ssh/id_ed25519"]);
 * // forward agent.socket ...
 * await agent.close();
 * ```
 */
export async function startKeyAgent(keys: readonly string[], label = "ssh"): Promise<KeyAgent> {
  const dir = await mkdtemp(join(tmpdir(), "drydock-ssh-"));
  const socket = join(dir, "agent.sock");
  const watchdog = spawn("ssh-agent", ["-a", socket, "sh", "-c", WATCHDOG, "sh", dir], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let agentError = "";
  watchdog.stderr.on("data", (c) => (agentError += c));
  watchdog.stdin.on("error", () => {/* the watchdog is gone: exited reports why */});
  let agentPid = 0;
  const pidKnown = new Promise<void>((resolve) => {
    let out = "";
    watchdog.stdout.on("data", (c) => {
      out += c;
      const line = /^(\d+)\n/.exec(out);
      if (line) {
        agentPid = Number(line[1]);
        resolve();
      }
    });
  });
  let spawnError: Error | undefined;
  const exited = new Promise<string>((resolve) => {
    watchdog.on("error", (err) => resolve((spawnError = err).message));
    watchdog.on("exit", (code, signal) => resolve(`exited with ${signal ?? code}`));
  });
  // If we exit without close() (a signal handler's process.exit), stop the agent there and then.
  const forget = onExit(() => {
    if (agentPid) killQuietly(agentPid);
    rmSync(dir, { recursive: true, force: true });
  });
  const close = async () => {
    forget();
    watchdog.stdin.end();
    if (watchdog.exitCode === null && watchdog.signalCode === null) await exited;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const failure = await Promise.race([pidKnown.then(() => waitForSocket(socket)), exited]);
    if (typeof failure === "string") {
      if (spawnError) throw cannotRun("ssh-agent", spawnError, label);
      throw new DrydockError(
        "E_SSH_AGENT",
        `${label}: could not start ssh-agent (${failure}${agentError ? `: ${agentError.trim()}` : ""}); ` +
          INSTALL_HINT,
      );
    }
    await addKeys(socket, keys, label);
    return { socket, pid: agentPid, close };
  } catch (err) {
    await close();
    throw err;
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGTERM");
  } catch { /* already gone */ }
}

// The socket file appears at bind(), before listen(): wait until a connection is accepted.
async function waitForSocket(path: string, timeoutMs = 5_000): Promise<undefined> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await accepts(path)) return undefined;
    if (Date.now() > until) throw new DrydockError("E_SSH_AGENT", `ssh-agent did not listen on ${path}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Whether something accepts connections on the unix socket `path` (a socket file can exist before its
 * owner listens on it).
 *
 * @example
 * ```ts
 * import { accepts } from "./key_agent.ts";
 * await accepts("/no/such.sock"); // false
 * ```
 */
export function accepts(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
}

function addKeys(socket: string, keys: readonly string[], label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // The process's own environment on purpose: ssh-add must be found on its PATH even when a library caller
    // gave the build a narrowed environment (ssh-agent above inherits it the same way).
    const env: Record<string, string | undefined> = { ...process.env, SSH_AUTH_SOCK: socket };
    delete env.SSH_AGENT_PID;
    const child = spawn("ssh-add", ["-q", ...keys], { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c) => (stderr += c));
    child.on(
      "error",
      (err) => reject(cannotRun("ssh-add", err, label)),
    );
    child.on("exit", (code) => {
      if (code === 0) return resolve();
      reject(
        new DrydockError(
          "E_SSH_KEY",
          `${label}: ssh-add could not load ${keys.join(", ")}: ${stderr.trim() || `exit ${code}`}`,
        ),
      );
    });
  });
}
