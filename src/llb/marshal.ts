/**
 * Lowers a DSL graph to an LLB `Definition`. Pure and deterministic: the same
 * graph gives the same bytes, so the same op digests, on every run and runtime.
 *
 * @module
 */
import type {
  ExecNode,
  FileAction,
  FileNode,
  FrontendNode,
  OpNode,
  Output,
  SourceNode,
} from "../dsl/graph.ts";
import type { SourceLocation } from "../dsl/location.ts";
import { type State, stateData } from "../dsl/state.ts";
import * as pb from "../proto/pb.gen.ts";
import { Cap, type CapID } from "./caps.ts";
import { type Digest, digestOf } from "./digest.ts";
import type { EngineCaps } from "./engine_caps.ts";
import { diffOp, mergeFallback, mergeOp } from "./merge_op.ts";
import { platformOf, sourceOp } from "./source_op.ts";

/** Options of {@link marshal}. */
export interface MarshalOptions {
  /**
   * Makes local sources unique to this client (attr `local.unique`), so the
   * engine never merges one client's directory transfer with another's.
   * Stable per client and project, so repeated builds keep the same digests.
   */
  localUniqueKey?: string;
  /**
   * Extra exclude patterns (from `.dockerignore`) by local directory, for
   * `local()` sources that apply it. Reading the files is the caller's I/O.
   */
  localExcludes?: ReadonlyMap<string, readonly string[]>;
  /**
   * What the engine can do. When given, features it lacks use their portable
   * fallback where one exists (see `MarshalResult.notices`).
   */
  caps?: EngineCaps;
  /** The definitions frontends (e.g. `dockerfile()`) produced, spliced in where the node is used. */
  frontendResults?: ReadonlyMap<FrontendNode, pb.Definition>;
}

/** An op as sent: its bytes, digest and the DSL node it came from. */
export interface MarshalledOp {
  readonly digest: Digest;
  readonly bytes: Uint8Array;
  readonly op: pb.Op;
  readonly node: OpNode | undefined;
}

/** The result of {@link marshal}. */
export interface MarshalResult {
  /** The definition to send; `undefined` when the state is the empty filesystem. */
  readonly definition: pb.Definition | undefined;
  /** Every op in `definition.def` order, the terminal op last. */
  readonly ops: readonly MarshalledOp[];
  /** Where each op was made in build.ts, by digest. */
  readonly locations: ReadonlyMap<Digest, SourceLocation>;
  /** Local directories the engine may ask for, by `local://` name. */
  readonly localDirs: ReadonlyMap<string, string>;
  /** Fallbacks used because the engine lacks a feature, one line each, to tell the user once. */
  readonly notices: readonly string[];
}

interface Lowered {
  readonly digest: Digest;
  /** Output index to use for this node's output 0; only frontend results differ. */
  readonly index?: bigint;
  readonly bytes: Uint8Array;
  readonly op: pb.Op;
  readonly metadata: pb.OpMetadata;
}

/**
 * Lowers the filesystem of `state` to an LLB definition.
 *
 * @example
 * ```ts
 * import { image } from "../../mod.ts";
 * import { marshal } from "./marshal.ts";
 * const { definition, ops } = marshal(image("busybox").run("echo hi"));
 * ops.at(-1)!.op.inputs!.length; // 1: the terminal op points at the result
 * ```
 */
export function marshal(state: State, options: MarshalOptions = {}): MarshalResult {
  return new Marshaller(options).run(stateData(state).output);
}

class Marshaller {
  readonly #done = new Map<OpNode, Lowered>();
  readonly #order: MarshalledOp[] = [];
  readonly #seen = new Set<Digest>();
  readonly #metadata: Record<string, pb.OpMetadata> = {};
  readonly #locations = new Map<Digest, SourceLocation>();
  readonly #localDirs = new Map<string, string>();
  readonly #notices = new Set<string>();

  constructor(readonly options: MarshalOptions) {}

  run(output: Output | null): MarshalResult {
    if (output === null) {
      return { definition: undefined, ops: [], locations: new Map(), localDirs: new Map(), notices: [] };
    }
    const terminal: pb.Op = { inputs: [this.#ref(output)] };
    const caps: Record<string, boolean> = { [Cap.constraints]: true, [Cap.platform]: true };
    for (const md of Object.values(this.#metadata)) {
      if (md.description && Object.keys(md.description).length > 0) caps[Cap.metaDescription] = true;
    }
    const bytes = pb.Op.toBinary(terminal);
    const digest = digestOf(bytes);
    this.#order.push({ digest, bytes, op: terminal, node: undefined });
    this.#metadata[digest] = { caps };
    const definition: pb.Definition = {
      def: this.#order.map((o) => o.bytes),
      metadata: this.#metadata,
    };
    return {
      definition,
      ops: this.#order,
      locations: this.#locations,
      localDirs: this.#localDirs,
      notices: [...this.#notices],
    };
  }

  #ref(o: Output): pb.Input {
    const lowered = this.#lower(o.op);
    return { digest: lowered.digest, index: lowered.index ?? BigInt(o.index) };
  }

  #lower(node: OpNode): Lowered {
    const cached = this.#done.get(node);
    if (cached) return cached;
    if (node.kind === "frontend") return this.#splice(node);
    if (node.kind === "merge" && this.options.caps && !this.options.caps.supports(Cap.mergeOp)) {
      // Same files, as separate copies instead of layers: what Dockerfile COPY --link does without mergeop.
      this.#notices.add(
        "merge(): this engine has no merge op, so layers are stacked with copies (one layer, no independent caching)",
      );
      const lowered = this.#lower(mergeFallback(node));
      this.#done.set(node, lowered);
      return lowered;
    }
    const inputs = new InputList((o) => this.#ref(o));
    const caps = new Set<CapID>();
    let op: pb.Op;
    switch (node.kind) {
      case "source":
        op = this.#source(node, caps);
        break;
      case "merge":
        op = mergeOp(node, inputs, caps);
        break;
      case "diff":
        op = diffOp(node, inputs, caps);
        break;
      case "exec":
        op = execOp(node, inputs, caps);
        break;
      case "file":
        op = fileOp(node, inputs, caps);
        break;
    }
    op = { inputs: inputs.list, ...op, constraints: {} };
    const bytes = pb.Op.toBinary(op);
    const digest = digestOf(bytes);
    const metadata: pb.OpMetadata = { caps: Object.fromEntries([...caps].sort().map((c) => [c, true])) };
    if (node.name) metadata.description = { "llb.customname": node.name };
    const lowered = { digest, bytes, op, metadata };
    this.#done.set(node, lowered);
    // Identical ops collapse into one, as the engine would do anyway.
    if (!this.#seen.has(digest)) {
      this.#seen.add(digest);
      this.#order.push({ digest, bytes, op, node });
      this.#metadata[digest] = metadata;
      if (node.location) this.#locations.set(digest, node.location);
    }
    return lowered;
  }

  #source(node: SourceNode, caps: Set<CapID>): pb.Op {
    if (node.identifier.startsWith("local://")) {
      const name = node.identifier.slice("local://".length);
      const known = this.#localDirs.get(name);
      if (known !== undefined && known !== node.localDir) {
        throw new Error(`two local() sources share the name "${name}": ${known} and ${node.localDir}`);
      }
      this.#localDirs.set(name, node.localDir!);
    }
    return sourceOp(node, this.options, caps);
  }

  /** Adds a frontend's ops as they are (their digests are the engine's) and points at its result. */
  #splice(node: FrontendNode): Lowered {
    const def = this.options.frontendResults?.get(node);
    if (!def?.def?.length) {
      throw new Error(
        `${node.name ?? node.frontend}: the frontend's result must be resolved before marshalling`,
      );
    }
    const last = def.def.length - 1;
    for (const bytes of def.def.slice(0, last)) {
      const digest = digestOf(bytes);
      if (this.#seen.has(digest)) continue;
      this.#seen.add(digest);
      this.#order.push({ digest, bytes, op: pb.Op.fromBinary(bytes), node });
      this.#metadata[digest] = def.metadata?.[digest] ?? {};
      if (node.location) this.#locations.set(digest, node.location);
    }
    const result = pb.Op.fromBinary(def.def[last]).inputs?.[0];
    if (!result?.digest) throw new Error(`${node.name ?? node.frontend}: the frontend returned no result`);
    const lowered: Lowered = {
      digest: result.digest as Digest,
      index: result.index ?? 0n,
      bytes: new Uint8Array(),
      op: {},
      metadata: {},
    };
    this.#done.set(node, lowered);
    return lowered;
  }
}

/** The inputs of one op, deduplicated by `{digest, index}` as Go's llb does. */
class InputList {
  readonly list: pb.Input[] = [];
  constructor(readonly refOf: (o: Output) => pb.Input) {}

  /** Index of `o` in the op's inputs, or -1 for scratch. */
  indexOf(o: Output | null): bigint {
    if (o === null) return -1n;
    const { digest, index } = this.refOf(o);
    const at = this.list.findIndex((i) => i.digest === digest && i.index === index);
    if (at !== -1) return BigInt(at);
    this.list.push({ digest, index });
    return BigInt(this.list.length - 1);
  }
}

function execOp(node: ExecNode, inputs: InputList, caps: Set<CapID>): pb.Op {
  caps.add(Cap.execMetaBase);
  // Go sorts mounts by destination; outputs then follow mount order.
  const sorted = [...node.mounts].sort((a, b) => (a.dest < b.dest ? -1 : a.dest > b.dest ? 1 : 0));
  let nextOutput = 0n;
  const mounts: pb.Mount[] = sorted.map((m) => {
    caps.add(Cap.execMountBind);
    if (m.selector) caps.add(Cap.execMountSelector);
    return {
      input: inputs.indexOf(m.source),
      selector: m.selector,
      dest: m.dest,
      output: m.readonly ? -1n : nextOutput++,
      readonly: m.readonly,
      mountType: pb.MountType.BIND,
    };
  });
  return {
    exec: {
      meta: {
        args: [...node.args],
        env: [...node.env],
        cwd: node.cwd,
        user: node.user,
        // The Dockerfile frontend sets this on every RUN and the field is in the exec cache key, so
        // without it no RUN would share cache with `docker build`. Engines before 0.13 ignore it harmlessly.
        removeMountStubsRecursive: true,
      },
      mounts,
      network: pb.NetMode.UNSET,
      security: pb.SecurityMode.SANDBOX,
    },
    platform: platformOf(node.platform),
  };
}

function fileOp(node: FileNode, inputs: InputList, caps: Set<CapID>): pb.Op {
  caps.add(Cap.fileBase);
  // Collect inputs first: earlier-action references are numbered after them.
  const base = inputs.indexOf(node.base);
  const secondary = node.actions.map((a) => (a.kind === "copy" ? inputs.indexOf(a.source) : -1n));
  const n = BigInt(inputs.list.length);
  const actions: pb.FileAction[] = node.actions.map((a, i) => ({
    input: i === 0 ? base : n + BigInt(i - 1),
    secondaryInput: secondary[i],
    output: i === node.actions.length - 1 ? 0n : -1n,
    ...fileAction(a),
  }));
  return { file: { actions } };
}

function fileAction(a: FileAction): pb.FileAction {
  switch (a.kind) {
    case "copy":
      // The options a Dockerfile COPY uses, so cache keys match the frontend's.
      return {
        copy: {
          src: a.src,
          dest: a.dest,
          mode: -1,
          followSymlink: true,
          dirCopyContents: true,
          createDestPath: true,
          allowWildcard: true,
          allowEmptyWildcard: true,
          timestamp: -1n,
        },
      };
    case "mkdir":
      return { mkdir: { path: a.path, mode: a.mode, makeParents: a.parents, timestamp: -1n } };
    case "mkfile":
      return { mkfile: { path: a.path, mode: a.mode, data: a.data, timestamp: -1n } };
  }
}
