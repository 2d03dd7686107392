/**
 * A Docker Engine of a test's own, to freeze (SIGSTOP) or kill mid-build: the
 * shared engines must never be touched. Started from the binaries
 * tests/engines/up.sh installed, with its own state dir, socket and bridge.
 *
 * @module
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";

const ENGINES_DIR = process.env.DRYDOCK_ENGINES_DIR ?? "/tmp/drydock-engines";
const DOCKERD = join(ENGINES_DIR, "trixie/usr/sbin/dockerd");
const BIN26 = join(ENGINES_DIR, "bin26");
/** A root file system to run steps in, without pulling an image. */
export const BUSYBOX_ROOTFS = join(ENGINES_DIR, "busybox/rootfs");

/** A running throwaway dockerd. */
export interface ThrowawayEngine {
  /** For drydock's `host` option. */
  readonly host: string;
  readonly socket: string;
  readonly pid: number;
  /** Stops it and everything it started, and removes its state. */
  remove(): Promise<void>;
}

/** Why a throwaway engine cannot be started here, or false. */
export function throwawaySkip(): false | string {
  if (process.getuid?.() !== 0) return "starting a dockerd needs root";
  for (const f of [DOCKERD, BIN26, BUSYBOX_ROOTFS]) {
    if (!existsSync(f)) return `${f} is missing (tests/engines/up.sh)`;
  }
  return false;
}

/**
 * Starts a dockerd on bridge `bridge` with address `cidr` (a name and subnet no other engine uses).
 */
export async function startThrowawayEngine(bridge: string, cidr: string): Promise<ThrowawayEngine> {
  const dir = mkdtempSync("/tmp/dd-");
  const socket = join(dir, "d.sock");
  writeFileSync(join(dir, "daemon.json"), "{}");
  execFileSync("sh", [
    "-c",
    `ip link show ${bridge} >/dev/null 2>&1 || ip link add name ${bridge} type bridge`,
  ]);
  execFileSync("sh", [
    "-c",
    `ip -4 addr show dev ${bridge} | grep -qF "inet ${cidr} " || ip addr add ${cidr} dev ${bridge}`,
  ]);
  execFileSync("ip", ["link", "set", bridge, "up"]);
  const child = spawn(DOCKERD, [
    "--data-root",
    join(dir, "data"),
    "--exec-root",
    join(dir, "run"),
    "--pidfile",
    join(dir, "dockerd.pid"),
    "--host",
    `unix://${socket}`,
    "--config-file",
    join(dir, "daemon.json"),
    "--bridge",
    bridge,
    "--iptables=false",
    "--ip-masq=false",
  ], {
    env: { PATH: `${BIN26}:/usr/sbin:/usr/bin:/sbin:/bin`, HOME: dir },
    stdio: ["ignore", "ignore", "ignore"],
    detached: true,
  });
  child.unref();
  const remove = async () => {
    // Everything of this engine names its dir on its command line: dockerd, containerd, shims, steps' shims.
    for (const pid of processesNaming(dir)) {
      try {
        process.kill(pid, "SIGCONT");
        process.kill(pid, "SIGKILL");
      } catch { /* gone */ }
    }
    await new Promise((r) => setTimeout(r, 500));
    const mounts = readFileSync("/proc/mounts", "utf8").split("\n").map((l) => l.split(" ")[1])
      .filter((m) => m?.startsWith(dir)).sort().reverse();
    for (const m of mounts) {
      try {
        execFileSync("umount", ["-l", m]);
      } catch { /* already gone */ }
    }
    rmSync(dir, { recursive: true, force: true });
    try {
      execFileSync("ip", ["link", "del", bridge]);
    } catch { /* already gone */ }
  };
  const deadline = Date.now() + 60_000;
  while (!pings(socket)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      await remove();
      throw new Error(`the throwaway dockerd did not start (exit ${child.exitCode})`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { host: `docker+unix://${socket}`, socket, pid: child.pid!, remove };
}

function processesNaming(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(text)) pids.push(Number(entry));
    } catch { /* ended meanwhile */ }
  }
  return pids;
}

function pings(socket: string): boolean {
  try {
    const out = execFileSync("curl", [
      "-s",
      "--max-time",
      "2",
      "--unix-socket",
      socket,
      "http://engine/_ping",
    ], {
      encoding: "utf8",
    });
    return out === "OK";
  } catch {
    return false;
  }
}
