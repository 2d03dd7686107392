/**
 * Turns the ssh agents a graph uses (and `--ssh` overrides) into agent sockets
 * the session forwards: `$SSH_AUTH_SOCK`, a named socket, or an agent of our
 * own holding key files. Checked before the solve starts.
 *
 * @module
 */
import { stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { DrydockError } from "../core/errors.ts";
import { type SourceLocation, usedAtText } from "../core/location.ts";
import type { SshUse } from "../llb/uses.ts";
import { type KeyAgent, startKeyAgent } from "../session/key_agent.ts";
import type { SshSpec } from "./ssh_flag.ts";

/**
 * An ssh agent the build needs is not available. Names the id and, in
 * `location`, the build.ts call that uses it.
 *
 * @example
 * ```ts
 * import { SshUnavailableError } from "@drydock/core";
 * new SshUnavailableError("default", "SSH_AUTH_SOCK is not set", undefined, []).code; // "E_SSH"
 * ```
 */
export class SshUnavailableError extends DrydockError {
  /** The class name, shown before the message in stack traces. */
  override name = "SshUnavailableError";
  /**
   * Thrown before the solve; the message says where the agent is used.
   *
   * @param id The agent's id.
   * @param reason Why it cannot be reached, e.g. `SSH_AUTH_SOCK is not set`.
   * @param location The first build.ts call that uses the agent (or declares it).
   * @param usedAt Every build.ts call that uses it.
   */
  constructor(
    readonly id: string,
    readonly reason: string,
    readonly location: SourceLocation | undefined,
    readonly usedAt: readonly SourceLocation[],
  ) {
    super("E_SSH", (cwd) => `ssh agent "${id}"${usedAtText(usedAt, cwd)}: ${reason}`);
  }
}

/** Options of {@link resolveSshAgents}. */
export interface ResolveSshOptions {
  /** `--ssh` values; they override build.ts `ssh()` by id and add ids. */
  readonly overrides?: readonly SshSpec[];
  /** Where `SSH_AUTH_SOCK` is read. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Base of relative `--ssh` paths. */
  readonly cwd: string;
}

/** Agent sockets by id, and the agents started for key files. */
export interface ResolvedSshAgents {
  readonly sockets: ReadonlyMap<string, string>;
  /** Stops the agents started for key files. */
  close(): Promise<void>;
}

type Wanted = { socket?: string; keys?: readonly string[]; use?: SshUse; fromFlag: boolean };

/**
 * Finds or starts every agent. Optional agents that are not available are left
 * out (the engine then skips their mounts); required ones throw {@link SshUnavailableError}.
 *
 * @example
 * ```ts
 * import process from "node:process";
 * import { image, ssh } from "@drydock/core";
 * import { marshal } from "../llb/marshal.ts";
 * import { resolveSshAgents } from "./ssh_resolution.ts";
 * const { sshAgents } = marshal(image("busybox").run("ssh-add -l", { ssh: ssh() }));
 * const agents = await resolveSshAgents(sshAgents, { env: process.env, cwd: process.cwd() });
 * await agents.close();
 * ```
 */
export async function resolveSshAgents(
  uses: ReadonlyMap<string, SshUse>,
  options: ResolveSshOptions,
): Promise<ResolvedSshAgents> {
  const wanted = new Map<string, Wanted>();
  for (const [id, use] of uses) {
    const base = use.agent.location ? dirname(use.agent.location.file) : options.cwd;
    wanted.set(id, {
      socket: use.agent.socket === undefined ? undefined : resolve(base, use.agent.socket),
      keys: use.agent.keys?.map((k) => resolve(base, k)),
      use,
      fromFlag: false,
    });
  }
  for (const spec of options.overrides ?? []) {
    const paths = spec.paths.map((p) => resolve(options.cwd, p));
    const use = wanted.get(spec.id)?.use;
    if (paths.length === 1 && await isSocket(paths[0])) {
      wanted.set(spec.id, { socket: paths[0], use, fromFlag: true });
    } else if (paths.length > 0) wanted.set(spec.id, { keys: paths, use, fromFlag: true });
    else wanted.set(spec.id, { use, fromFlag: true });
  }

  const sockets = new Map<string, string>();
  const started: KeyAgent[] = [];
  const close = async () => {
    await Promise.all(started.map((a) => a.close()));
  };
  try {
    for (const [id, w] of wanted) {
      const usedAt = w.use?.locations ?? [];
      const location = usedAt[0] ?? w.use?.agent.location;
      const unavailable = (reason: string) => {
        if (w.use?.optional && !w.fromFlag) return;
        throw new SshUnavailableError(id, reason, location, usedAt);
      };
      if (w.keys) {
        const missing = [];
        for (const k of w.keys) if (!(await isFile(k))) missing.push(k);
        if (missing.length) {
          unavailable(`key file${missing.length > 1 ? "s" : ""} not found: ${missing.join(", ")}`);
          continue;
        }
        const agent = await startKeyAgent(w.keys, `ssh agent "${id}"`);
        started.push(agent);
        sockets.set(id, agent.socket);
        continue;
      }
      const socket = w.socket ?? options.env.SSH_AUTH_SOCK;
      if (!socket) {
        unavailable("SSH_AUTH_SOCK is not set; start an ssh-agent, or give a socket or key files");
        continue;
      }
      if (!(await isSocket(socket))) {
        unavailable(`${socket} is not an ssh-agent socket`);
        continue;
      }
      sockets.set(id, socket);
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { sockets, close };
}

async function isSocket(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isSocket();
  } catch {
    return false;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
