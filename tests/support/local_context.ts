/**
 * Builds on a real engine that list what arrived of a local context, counting the files the engine
 * requested.
 *
 * @module
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { image, local, scratch } from "../../mod.ts";
import type { State } from "../../src/dsl/state.ts";
import type { SendTreeStats } from "../../src/session/filesync.ts";
import { solve } from "../../src/solve/solve.ts";
import { connect } from "../../src/transport/connect.ts";
import { engineCandidates } from "../../src/transport/discover.ts";
import type { TestEngine } from "./engines.ts";

/** The local source's filter, as `local()` takes it. */
export interface LocalFilterAttrs {
  include?: string[];
  exclude?: string[];
  followPaths?: string[];
}

/** `local(dir)` with these filters and without `.dockerignore`, so each test says exactly what is filtered. */
export function filteredLocal(dir: string, attrs: LocalFilterAttrs): State {
  return local(dir, { ...attrs, dockerignore: false });
}

/** What one listing build saw. */
export interface Listing {
  /** Every path below the context's root inside the build (`find`, sorted), symlinks marked `-> target`. */
  paths: string[];
  /** What the sender reported for the upload. */
  sent: SendTreeStats;
}

/**
 * Copies `context` into busybox and lists it. The engine keeps earlier uploads per `sharedKey`, so two
 * builds with the same key transfer only what changed.
 */
export async function listContext(
  engine: TestEngine,
  context: State,
  sharedKey: string,
  /** Shell checks run in the copied context first; a failing one fails the build. */
  checks: string[] = [],
): Promise<Listing> {
  const listed = image("busybox")
    .copy(context, ".", "/ctx")
    .run([
      "sh",
      "-ec",
      `cd /ctx && ${
        [...checks, ""].join(" && ")
      }find . -mindepth 1 | sort | while IFS= read -r p; do if [ -L "$p" ]; then echo "$p -> $(readlink "$p")"; else echo "$p"; fi; done > /list.txt`,
    ]);
  const out = await mkdtemp(join(tmpdir(), "drydock-list-"));
  const transport = await connect(engineCandidates({}, engine.host));
  let sent: SendTreeStats | undefined;
  try {
    await solve(transport, {
      state: scratch().copy(listed, "/list.txt", "/list.txt"),
      exports: {
        exporters: [{ type: "local", attrs: {} }],
        fileTargets: [{ target: { type: "local", dest: out }, exporterIndex: 0 }],
      },
      sharedKey,
      onLocalSent: (_name, stats) => {
        sent = stats;
      },
    });
    const text = await readFile(join(out, "list.txt"), "utf8");
    if (sent === undefined) throw new Error("the engine did not ask for the local context");
    return { paths: text.split("\n").filter((l) => l !== "").map((l) => l.replace(/^\.\//, "")), sent };
  } finally {
    await transport.close();
    await rm(out, { recursive: true, force: true });
  }
}
