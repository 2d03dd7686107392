/**
 * Builds on a real engine that list what arrived of a local context, with the source's include, exclude
 * and followpaths attrs set by hand (as BuildKit's Go `llb.Local` sets them), counting the files the
 * engine requested.
 *
 * @module
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { image, local, scratch } from "../../mod.ts";
import type { SourceNode } from "../../src/dsl/graph.ts";
import { State, stateData } from "../../src/dsl/state.ts";
import type { SendTreeStats } from "../../src/session/filesync.ts";
import { solve } from "../../src/solve/solve.ts";
import { connect } from "../../src/transport/connect.ts";
import { engineCandidates } from "../../src/transport/discover.ts";
import type { TestEngine } from "./engines.ts";

/** The local source's filter, as `local.includepattern`, `local.excludepatterns`, `local.followpaths`. */
export interface LocalFilterAttrs {
  include?: string[];
  exclude?: string[];
  followPaths?: string[];
}

/** `local(dir)` with the filter attrs added to its source op. */
export function filteredLocal(dir: string, attrs: LocalFilterAttrs): State {
  // The attrs are the whole filter here: no .dockerignore on top.
  const data = stateData(local(dir, { dockerignore: false }));
  const op = data.output!.op as SourceNode;
  const extra: Record<string, string> = {};
  if (attrs.include) extra["local.includepattern"] = JSON.stringify(attrs.include);
  if (attrs.exclude) extra["local.excludepatterns"] = JSON.stringify(attrs.exclude);
  if (attrs.followPaths) extra["local.followpaths"] = JSON.stringify(attrs.followPaths);
  return new State({ ...data, output: { op: { ...op, attrs: { ...op.attrs, ...extra } }, index: 0 } });
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
export async function listContext(engine: TestEngine, context: State, sharedKey: string): Promise<Listing> {
  const listed = image("busybox")
    .copy(context, ".", "/ctx")
    .run([
      "sh",
      "-ec",
      `cd /ctx && find . -mindepth 1 | sort | while IFS= read -r p; do if [ -L "$p" ]; then echo "$p -> $(readlink "$p")"; else echo "$p"; fi; done > /list.txt`,
    ]);
  const out = await mkdtemp(join(tmpdir(), "drydock-list-"));
  const transport = await connect(engineCandidates({}, engine.host));
  let sent: SendTreeStats | undefined;
  try {
    await solve(transport, {
      state: scratch().copy(listed, "/list.txt", "/list.txt"),
      outputs: [{ type: "local", dest: out }],
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
