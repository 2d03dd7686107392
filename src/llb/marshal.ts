/**
 * Lowers a DSL graph to an LLB `Definition`. Pure and deterministic: the same
 * graph gives the same bytes, so the same op digests, on every run and runtime.
 *
 * @module
 */
import type { ExecNode, FileAction, FileNode, OpNode, Output, Platform, SourceNode } from "../dsl/graph.ts";
import type { SourceLocation } from "../dsl/location.ts";
import { type State, stateData } from "../dsl/state.ts";
import * as pb from "../proto/pb.gen.ts";
import { Cap, type CapID } from "./caps.ts";
import { type Digest, digestOf } from "./digest.ts";

/** Options of {@link marshal}. */
export interface MarshalOptions {
  /**
   * Makes local sources unique to this client (attr `local.unique`), so the
   * engine never merges one client's directory transfer with another's.
   * Stable per client and project, so repeated builds keep the same digests.
   */
  localUniqueKey?: string;
  /**
   * Marks every exec and file op `ignore_cache`, so the engine runs them again
   * (`--no-cache`). Image sources are left alone: re-resolving them would need
   * the registry, and their content is pinned by digest anyway.
   */
  ignoreCache?: boolean;
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
}

interface Lowered {
  readonly digest: Digest;
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

  constructor(readonly options: MarshalOptions) {}

  run(output: Output | null): MarshalResult {
    if (output === null) {
      return { definition: undefined, ops: [], locations: new Map(), localDirs: new Map() };
    }
    const result = this.#lower(output.op);
    const terminal: pb.Op = { inputs: [{ digest: result.digest, index: BigInt(output.index) }] };
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
    return { definition, ops: this.#order, locations: this.#locations, localDirs: this.#localDirs };
  }

  #lower(node: OpNode): Lowered {
    const cached = this.#done.get(node);
    if (cached) return cached;
    const inputs = new InputList((o) => this.#lower(o.op).digest);
    const caps = new Set<CapID>();
    let op: pb.Op;
    switch (node.kind) {
      case "source":
        op = this.#source(node, caps);
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
    if (this.options.ignoreCache && node.kind !== "source") metadata.ignoreCache = true;
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
    const attrs: Record<string, string> = { ...node.attrs };
    if (node.identifier.startsWith("docker-image://")) caps.add(Cap.sourceImage);
    if (node.identifier.startsWith("local://")) {
      caps.add(Cap.sourceLocal);
      const name = node.identifier.slice("local://".length);
      const known = this.#localDirs.get(name);
      if (known !== undefined && known !== node.localDir) {
        throw new Error(`two local() sources share the name "${name}": ${known} and ${node.localDir}`);
      }
      this.#localDirs.set(name, node.localDir!);
      if (this.options.localUniqueKey) {
        attrs["local.unique"] = digestOf(
          new TextEncoder().encode(`${this.options.localUniqueKey}\n${node.localDir}`),
        )
          .slice(7, 39);
        caps.add(Cap.sourceLocalUnique);
      }
    }
    const op: pb.Op = { source: { identifier: node.identifier, attrs } };
    if (node.platform) op.platform = platformOf(node.platform);
    return op;
  }
}

/** The inputs of one op, deduplicated by `{digest, index}` as Go's llb does. */
class InputList {
  readonly list: pb.Input[] = [];
  constructor(readonly digestOf: (o: Output) => Digest) {}

  /** Index of `o` in the op's inputs, or -1 for scratch. */
  indexOf(o: Output | null): bigint {
    if (o === null) return -1n;
    const digest = this.digestOf(o);
    const index = BigInt(o.index);
    const at = this.list.findIndex((i) => i.digest === digest && i.index === index);
    if (at !== -1) return BigInt(at);
    this.list.push({ digest, index });
    return BigInt(this.list.length - 1);
  }
}

function platformOf(p: Platform): pb.Platform {
  return { architecture: p.architecture, os: p.os, variant: p.variant };
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
      meta: { args: [...node.args], env: [...node.env], cwd: node.cwd, user: node.user },
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
