/**
 * Probes of what an engine is doing, for tests that cancel builds: the
 * processes of running steps (the engines run on this machine) and the
 * engine's own list of active builds (Control.ListenBuildHistory).
 *
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";
import process from "node:process";
import { ControlService } from "../../src/proto/moby_buildkit_v1.gen.ts";
import { connect } from "../../src/transport/connect.ts";
import { engineCandidates } from "../../src/transport/discover.ts";
import type { TestEngine } from "./engines.ts";

/** Process ids whose command line contains `text`. */
export function processesWith(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ");
      if (cmdline.includes(text)) pids.push(Number(entry));
    } catch { /* the process ended meanwhile */ }
  }
  return pids;
}

/** The engine's build history: every record it keeps, and which builds are running now. */
export async function buildHistory(
  engine: TestEngine,
): Promise<{ active: Set<string>; finished: Map<string, { error?: string }> }> {
  const transport = await connect(engineCandidates({}, { host: engine.host }));
  try {
    const active = new Set<string>();
    const finished = new Map<string, { error?: string }>();
    for (const activeOnly of [true, false]) {
      for await (
        const event of transport.rpc.serverStream(ControlService.listenBuildHistory, {
          activeOnly,
          earlyExit: true,
        })
      ) {
        const r = event.record;
        if (!r?.ref) continue;
        if (activeOnly) active.add(r.ref);
        else if (r.completedAt) finished.set(r.ref, { error: r.error?.message });
      }
    }
    return { active, finished };
  } finally {
    await transport.close();
  }
}
