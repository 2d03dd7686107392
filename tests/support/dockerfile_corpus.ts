/**
 * The differential harness: a corpus Dockerfile built with `docker buildx
 * build` is the reference; a drydock build of the same thing (the case's
 * hand-written build.ts, its converted build.ts, or `dockerfile()`) must
 * export the same filesystem and image config, and, run after buildx on the
 * same engine, find every step CACHED.
 *
 * @module
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { buildTargets, dockerfile, local, type State, type Target, type Targets } from "../../mod.ts";
import { convertDockerfile, type ConvertTodo } from "../../src/convert/convert.ts";
import * as pb from "../../src/proto/pb.gen.ts";
import { dockerApi } from "./docker_api.ts";
import { listingLines, tarListing } from "./tar_listing.ts";
import { tarFile } from "./tarball.ts";
import { type CorpusEngine, ENGINE_NORMALIZED, refusal } from "../dockerfile_corpus/engine_differences.ts";

export type { CorpusEngine };

/** Where the corpus lives. */
export const CORPUS_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "dockerfile_corpus");

/** One case: a directory with a Dockerfile, its build.ts translation and the context files. */
export interface CorpusCase {
  readonly name: string;
  readonly dir: string;
}

/** The engines the corpus runs on, from engines.env; absent ones are left out. */
export function corpusEngines(): { name: CorpusEngine; host: string; socket: string }[] {
  const all: [CorpusEngine, string][] = [
    ["dk26c", "DRYDOCK_DK26C_HOST"],
    ["dk20", "DRYDOCK_DK20_HOST"],
    ["dk28", "DRYDOCK_DK28_HOST"],
  ];
  return all.flatMap(([name, variable]) => {
    const value = process.env[variable];
    if (!value?.startsWith("unix://")) return [];
    return [{ name, host: `docker+${value}`, socket: value.slice("unix://".length) }];
  });
}

/** Every case of the corpus, by name. */
export function corpusCases(): CorpusCase[] {
  return readdirSync(CORPUS_DIR)
    .filter((n) =>
      statSync(join(CORPUS_DIR, n)).isDirectory() && existsSync(join(CORPUS_DIR, n, "Dockerfile"))
    )
    .sort()
    .map((name) => ({ name, dir: join(CORPUS_DIR, name) }));
}

/** What a case's build.ts exports. */
export interface CaseModule {
  readonly targets: Targets;
  /** The target the Dockerfile's last stage is (what `docker build` builds). */
  readonly defaultTarget: string;
}

/** The state a module's default target builds. */
export function defaultState(m: CaseModule): State {
  const t = m.targets[m.defaultTarget] as State | Target;
  const state = "state" in t ? t.state : t;
  if (typeof state === "function") throw new Error("multi-platform targets are not part of the corpus");
  return state;
}

/** What a build left, in comparable form. */
export interface BuildOutcome {
  /** The exported filesystem: one line per entry (type, mode, owner, path, link target, sha256). */
  readonly files: string[];
  /** The image config fields a Dockerfile sets. */
  readonly config: Record<string, unknown>;
  /** The exec and file ops of the definition, without their inputs' digests (what cache keys are made of). */
  readonly steps: string[];
  /**
   * Exec and file steps the engine ran instead of finding cached (drydock builds only); file steps
   * with no input are left out: the engine runs those again for any client.
   */
  readonly uncached: string[];
}

const CONFIG_FIELDS = [
  "Env",
  "WorkingDir",
  "User",
  "Entrypoint",
  "Cmd",
  "Labels",
  "ExposedPorts",
  "Volumes",
  "Healthcheck",
  "StopSignal",
  "Shell",
  "OnBuild",
] as const;

/**
 * Engines whose image store is containerd's: images are read from OCI tarballs there, never tagged and
 * removed (re-tagging or removing an image can lose blobs the engine's cache still uses), with uncompressed
 * layers (dk26c's store has lost gzip blobs of busybox's layer: a gzip export then fails with "not found").
 */
const CONTAINERD_STORE: readonly CorpusEngine[] = ["dk26c", "dk28"];

async function imageConfigOf(socket: string, tag: string): Promise<Record<string, unknown>> {
  const res = await dockerApi(socket, `/images/${encodeURIComponent(tag)}/json`);
  if (res.status !== 200) throw new Error(`inspect ${tag}: ${res.status} ${JSON.stringify(res.body)}`);
  return configFields((res.body as { Config?: Record<string, unknown> }).Config ?? {});
}

/** The image config in an OCI layout tarball (the platform's manifest, attestations skipped). */
function ociConfigOf(file: string): Record<string, unknown> {
  const blob = (d: { digest: string }) => JSON.parse(tarFile(file, `blobs/${d.digest.replace(":", "/")}`));
  type Desc = { digest: string; mediaType: string; platform?: { os: string } };
  let desc: Desc = JSON.parse(tarFile(file, "index.json")).manifests[0];
  while (/index|manifest\.list/.test(desc.mediaType)) {
    desc = (blob(desc).manifests as Desc[]).find((m) => m.platform?.os !== "unknown")!;
  }
  return configFields(blob(blob(desc).config).config ?? {});
}

function configFields(config: Record<string, unknown>): Record<string, unknown> {
  // Absent, null and empty mean the same to Docker; compare them as absent.
  return Object.fromEntries(CONFIG_FIELDS.flatMap((f) => {
    const v = config[f];
    const empty = v === undefined || v === null || v === "" ||
      (typeof v === "object" && Object.keys(v as object).length === 0);
    return empty ? [] : [[f, v]];
  }));
}

/** A tag private to this case and builder, overwritten by each run. */
function tagOf(c: CorpusCase, who: string): string {
  return `drydock-corpus/${c.name}:${who}`;
}

async function removeImage(socket: string, tag: string): Promise<void> {
  await dockerApi(socket, `/images/${encodeURIComponent(tag)}?force=1`, "DELETE").catch(() => undefined);
}

const basesReady = new Map<string, Promise<void>>();

/**
 * Builds the base images cases start `FROM` (`_bases/<name>` as `drydock-corpus-base:<name>`) into the
 * engine's image store, once per engine and process.
 *
 * @example
 * ```ts
 * // await ensureBases(engine);
 * ```
 */
export function ensureBases(engine: { name: CorpusEngine; socket: string }): Promise<void> {
  let ready = basesReady.get(engine.name);
  if (!ready) {
    const dir = join(CORPUS_DIR, "_bases");
    ready = (async () => {
      for (const name of readdirSync(dir).filter((n) => existsSync(join(dir, n, "Dockerfile")))) {
        const tag = `drydock-corpus-base:${name}`;
        const hash = createHash("sha256").update(readFileSync(join(dir, name, "Dockerfile"))).digest("hex");
        // Built once per engine and Dockerfile: re-tagging an image in use can lose its blobs in the containerd store.
        const have = await dockerApi(engine.socket, `/images/${encodeURIComponent(tag)}/json`);
        const labels = (have.body as { Config?: { Labels?: Record<string, string> } }).Config?.Labels;
        if (have.status === 200 && labels?.["drydock.corpus.base"] === hash) continue;
        await buildx(
          engine,
          ["-t", tag, "--label", `drydock.corpus.base=${hash}`, join(dir, name)],
          `base ${name}`,
        );
      }
    })();
    basesReady.set(engine.name, ready);
  }
  return ready;
}

function buildx(engine: { name: CorpusEngine; socket: string }, args: string[], what: string) {
  const plugin = process.env.DRYDOCK_BUILDX;
  if (!plugin) throw new Error("DRYDOCK_BUILDX is not set");
  const env = {
    ...process.env,
    DOCKER_HOST: `unix://${engine.socket}`,
    DOCKER_CONFIG: dirname(dirname(plugin)),
  };
  return promisify(execFile)("docker", [
    "buildx",
    "build",
    "--builder",
    "default",
    "--progress",
    "plain",
    ...args,
  ], {
    env,
    maxBuffer: 64 << 20,
  }).catch((e) => {
    throw new Error(`buildx build of ${what} on ${engine.name} failed:\n${e.stderr ?? e}`);
  });
}

/**
 * `docker buildx build` of the case's Dockerfile (its last stage): the reference.
 *
 * @example
 * ```ts
 * // const ref = await buildxBuild(engine, corpusCases()[0]);
 * ```
 */
export async function buildxBuild(
  engine: { name: CorpusEngine; host: string; socket: string },
  c: CorpusCase,
): Promise<BuildOutcome> {
  await ensureBases(engine);
  const tmp = mkdtempSync(join(tmpdir(), "drydock-corpus-"));
  const run = (args: string[]) => buildx(engine, args, c.name);
  try {
    const tar = join(tmp, "fs.tar");
    await run(["-o", `type=tar,dest=${tar}`, c.dir]);
    let config: Record<string, unknown>;
    if (CONTAINERD_STORE.includes(engine.name)) {
      const oci = join(tmp, "image.tar");
      await run(["-o", `type=oci,dest=${oci},compression=uncompressed`, c.dir]);
      config = ociConfigOf(oci);
    } else {
      const tag = tagOf(c, "buildx");
      await run(["-t", tag, c.dir]);
      config = await imageConfigOf(engine.socket, tag);
      await removeImage(engine.socket, tag);
    }
    return {
      files: listingLines(tarListing(tar)),
      config,
      uncached: [],
      steps: await frontendSteps(engine, c),
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * A drydock build of `state` on the engine: its filesystem (tar output), its
 * image config (image output) and the steps that were not cached.
 *
 * @example
 * ```ts
 * // const ours = await drydockBuild(engine, c, defaultState(await import(`${c.dir}/build.ts`)), "hand");
 * ```
 */
export async function drydockBuild(
  engine: { name: CorpusEngine; host: string; socket: string },
  c: CorpusCase,
  state: State,
  who: string,
): Promise<BuildOutcome> {
  const tmp = mkdtempSync(join(tmpdir(), "drydock-corpus-"));
  try {
    const tar = join(tmp, "fs.tar");
    // By name: newer engines rewrite the definition (pinning sources), so vertex digests differ from ours.
    const steps = new Set<string>();
    const cached = new Map<string, boolean>();
    let ops: string[] = [];
    await buildTargets({ fs: { state, output: { type: "tar", dest: tar } } }, {
      host: engine.host,
      onDefinition: (_t, bytes) => {
        const d = pb.Definition.decode(bytes);
        ops = stepsOf(d, engine.name);
        for (const bytes of d.def ?? []) {
          const op = pb.Op.fromBinary(bytes);
          // A file op with no input (on scratch) is run every time, for buildx too: the engine reports it DONE.
          if ((!op.exec && !op.file) || (op.inputs ?? []).length === 0) continue;
          const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
          const name = d.metadata?.[digest]?.description?.["llb.customname"];
          if (name) steps.add(name);
        }
      },
      onStatus: (_t, s) => {
        for (const v of s.vertexes ?? []) {
          // Sources are left out: the frontend names ADD's download or checkout as the copy step itself, and an
          // http or git source is checked again on every build.
          if (!v.completed || !v.name || (v.inputs ?? []).length === 0) continue;
          cached.set(v.name, (cached.get(v.name) ?? true) && (v.cached ?? false));
        }
      },
    });
    // A step the engine did not report ran no more than a cached one (it reused a result in memory).
    const uncached = [...steps].filter((name) => cached.get(name) === false);
    let config: Record<string, unknown>;
    if (CONTAINERD_STORE.includes(engine.name)) {
      const oci = join(tmp, "image.tar");
      await buildTargets(
        { img: { state, output: { type: "oci", dest: oci, compression: "uncompressed" } } },
        { host: engine.host },
      );
      config = ociConfigOf(oci);
    } else {
      const tag = tagOf(c, who);
      await buildTargets({ img: { state, image: tag } }, { host: engine.host });
      config = await imageConfigOf(engine.socket, tag);
      await removeImage(engine.socket, tag);
    }
    return { files: listingLines(tarListing(tar)), config, uncached, steps: ops };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The differences between the reference and a drydock build, as readable
 * lines; empty when they are the same and every drydock step was CACHED.
 *
 * @example
 * ```ts
 * // assert.deepEqual(differences(ref, ours), []);
 * ```
 */
export function differences(ref: BuildOutcome, ours: BuildOutcome): string[] {
  const out: string[] = [];
  const theirs = new Set(ref.files);
  const mine = new Set(ours.files);
  for (const l of ref.files) if (!mine.has(l)) out.push(`fs: only buildx: ${l}`);
  for (const l of ours.files) if (!theirs.has(l)) out.push(`fs: only drydock: ${l}`);
  for (const f of new Set([...Object.keys(ref.config), ...Object.keys(ours.config)])) {
    const a = JSON.stringify(ref.config[f]);
    const b = JSON.stringify(ours.config[f]);
    if (a !== b) out.push(`config ${f}: buildx ${a}, drydock ${b}`);
  }
  for (const s of ours.uncached) out.push(`cache: not CACHED after buildx: ${s}`);
  const frontend = [...ref.steps];
  for (const op of ours.steps) {
    const at = frontend.indexOf(op);
    if (at === -1) out.push(`llb: only drydock: ${op}`);
    else frontend.splice(at, 1);
  }
  for (const op of frontend) out.push(`llb: only the Dockerfile frontend: ${op}`);
  return out;
}

/**
 * The exec and file ops the engine's own Dockerfile frontend makes of the case (through the gateway, as
 * buildx's build does): the same ops give the same cache keys, whatever is in the engine's cache already.
 */
async function frontendSteps(engine: { name: CorpusEngine; host: string }, c: CorpusCase): Promise<string[]> {
  let steps: string[] = [];
  await buildTargets({ frontend: dockerfile(local(c.dir)) }, {
    host: engine.host,
    onDefinition: (_t, bytes) => {
      steps = stepsOf(pb.Definition.decode(bytes), engine.name);
    },
  });
  return steps;
}

/** A definition's exec and file ops as sorted JSON lines, inputs left out, normalized for the engine. */
function stepsOf(d: pb.Definition, engine: CorpusEngine): string[] {
  return (d.def ?? []).map((b) => pb.Op.fromBinary(b)).filter((op) => op.exec || op.file).map((op) => {
    const exec = op.exec && normalizeExec(op.exec, engine);
    return JSON.stringify(
      {
        exec,
        file: op.file,
        platform: op.file && ENGINE_NORMALIZED.fileOpPlatform.includes(engine) ? undefined : op.platform,
      },
      (_k, v) => typeof v === "bigint" ? v.toString() : bytesOf(v) ?? v,
    );
  }).sort();
}

function normalizeExec(exec: pb.ExecOp, engine: CorpusEngine): pb.ExecOp {
  if (!ENGINE_NORMALIZED.removeMountStubsRecursive.includes(engine)) return exec;
  return { ...exec, meta: { ...exec.meta!, removeMountStubsRecursive: undefined } };
}

/** Why a case does not run on an engine (the Dockerfile frontend there refuses it), or undefined. */
export function skipReason(c: CorpusCase, engine: CorpusEngine): string | undefined {
  return refusal(c.name, engine);
}

/**
 * The case's Dockerfile through the converter: the build.ts module it makes
 * (written beside the case's build.ts while it is imported) and what stayed a TODO.
 *
 * @example
 * ```ts
 * // const { module, todos } = await convertedCase(corpusCases()[0]);
 * ```
 */
export function convertedCase(c: CorpusCase): Promise<{ module: CaseModule; todos: readonly ConvertTodo[] }> {
  let converted = convertedCases.get(c.name);
  if (!converted) {
    converted = (async () => {
      // Beside the hand-written one, so that local(".") is the same source; named per process, as several
      // runs of the suite may convert at once, and removed once imported (before anything is built).
      const { code, todos } = convertDockerfile(readFileSync(join(c.dir, "Dockerfile"), "utf8"), {
        importFrom: "../../../mod.ts",
      });
      const file = join(c.dir, `.converted-${process.pid}.build.ts`);
      writeFileSync(file, code);
      try {
        return { module: await import(pathToFileURL(file).href) as CaseModule, todos };
      } finally {
        rmSync(file, { force: true });
      }
    })();
    convertedCases.set(c.name, converted);
  }
  return converted;
}

const convertedCases = new Map<string, Promise<{ module: CaseModule; todos: readonly ConvertTodo[] }>>();

/**
 * The case's own build.ts module.
 *
 * @example
 * ```ts
 * // const hand = await handWritten(corpusCases()[0]);
 * ```
 */
export async function handWritten(c: CorpusCase): Promise<CaseModule> {
  return await import(pathToFileURL(join(c.dir, "build.ts")).href) as CaseModule;
}

// Bytes as base64, whichever way the decoder handed them over: a Uint8Array, or a Buffer that
// JSON.stringify has already turned into { type: "Buffer", data } before the replacer sees it.
function bytesOf(v: unknown): string | undefined {
  if (v instanceof Uint8Array) return Buffer.from(v).toString("base64");
  const b = v as { type?: unknown; data?: unknown } | null;
  if (b && b.type === "Buffer" && Array.isArray(b.data)) {
    return Buffer.from(b.data as number[]).toString("base64");
  }
  return undefined;
}
