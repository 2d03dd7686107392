/**
 * SSH helpers for tests: keys made with ssh-keygen, a real ssh-agent, and the
 * host's `ssh-add` with its shared libraries bundled into a directory, so a
 * busybox build step can run `ssh-add -l` against a forwarded agent.
 *
 * @module
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import process from "node:process";
import { accepts } from "../../src/session/key_agent.ts";

/** Makes an unencrypted ed25519 key at `path` (and `path.pub`); returns its SHA256 fingerprint. */
export function makeKey(path: string, comment: string): string {
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path]);
  return fingerprint(`${path}.pub`);
}

/** `SHA256:...` of a public key file. */
export function fingerprint(pubPath: string): string {
  const out = execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", pubPath], { encoding: "utf8" });
  return out.split(" ")[1];
}

/** A running `ssh-agent` on `socket`, holding `keys`. Stop it with `agent.kill()`. */
export async function startAgent(socket: string, keys: readonly string[]): Promise<ChildProcess> {
  const agent = spawn("ssh-agent", ["-D", "-a", socket], { stdio: "ignore" });
  // The socket file appears at bind(), before listen(): wait until a connection is accepted.
  for (let i = 0; i < 250 && !(await accepts(socket)); i++) await new Promise((r) => setTimeout(r, 20));
  execFileSync("ssh-add", ["-q", ...keys], {
    env: { ...process.env, SSH_AUTH_SOCK: socket },
    stdio: "ignore",
  });
  return agent;
}

/**
 * Copies `ssh-add`, its libraries and the dynamic loader into `dir`. Inside a
 * step with `dir` mounted at `/tools`, run {@link SSH_ADD_IN_STEP}.
 */
export function bundleSshAdd(dir: string): void {
  mkdirSync(join(dir, "lib"), { recursive: true });
  const ssh = execFileSync("sh", ["-c", "command -v ssh-add"], { encoding: "utf8" }).trim();
  copyFileSync(ssh, join(dir, "ssh-add"));
  const ldd = execFileSync("ldd", [ssh], { encoding: "utf8" });
  for (const m of ldd.matchAll(/(\/\S+\.so[^\s]*)/g)) {
    copyFileSync(m[1], join(dir, "lib", basename(m[1])));
  }
}

/** The shell command that runs the bundled ssh-add in a step (`/tools` = the bundle). */
export const SSH_ADD_IN_STEP = "/tools/lib/ld-linux-x86-64.so.2 --library-path /tools/lib /tools/ssh-add";
