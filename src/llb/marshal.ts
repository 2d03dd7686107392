/**
 * Lowers a DSL graph to an LLB `Definition`. Pure and deterministic: the same
 * graph gives the same bytes, so the same op digests, on every run and runtime.
 *
 * @module
 */
import type { FileNode, OpNode, Output, SourceNode } from "../dsl/graph.ts";
import type { SourceLocation } from "../dsl/location.ts";
import { type State, stateData } from "../dsl/state.ts";
import * as pb from "../proto/pb.gen.ts";
import { Cap, type CapID } from "./caps.ts";
import { type Digest, digestOf } from "./digest.ts";
import { execOp } from "./exec_op.ts";
import type { BaseConfigs } from "./base_config.ts";
import { chainFileNodes, countConsumers } from "./file_chain.ts";
import { fileOp } from "./file_op.ts";
import { InputList, platformOf } from "./inputs.ts";
import { SourceMapBuilder } from "./source_map.ts";
import { type Entitlement, type SecretUse, type SshUse, UseCollector } from "./uses.ts";

export type { Entitlement, SecretUse, SshUse } from "./uses.ts";

/** Options of {@link marshal}. */
export interface MarshalOptions {
  /**
   * Makes local sources unique to this client (attr `local.unique`), so the
   * engine never merges one client's directory transfer with another's.
   * Stable per client and project, so repeated builds keep the same digests.
   */
  localUniqueKey?: string;
  /**
   * Base image configs resolved by the engine: `run` steps on those images
   * start from their env, working directory and user.
   */
  baseConfigs?: BaseConfigs;
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
  /** Where each op was made in build.ts, by digest (the first call, when several made it). */
  readonly locations: ReadonlyMap<Digest, SourceLocation>;
  /** Local directories the engine may ask for, by `local://` name. */
  readonly localDirs: ReadonlyMap<string, string>;
  /** Secrets the engine may ask for, by id. */
  readonly secrets: ReadonlyMap<string, SecretUse>;
  /** SSH agents the engine may ask for, by id. */
  readonly sshAgents: ReadonlyMap<string, SshUse>;
  /** Entitlements the solve must request (`SolveRequest.entitlements`). */
  readonly entitlements: readonly Entitlement[];
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
  readonly #uses = new UseCollector();
  readonly #sourceMap = new SourceMapBuilder();
  #consumers = new Map<OpNode, number>();

  constructor(readonly options: MarshalOptions) {}

  run(output: Output | null): MarshalResult {
    const empty = {
      definition: undefined,
      ops: [],
      locations: new Map(),
      localDirs: new Map(),
      secrets: new Map(),
      sshAgents: new Map(),
      entitlements: [],
    };
    if (output === null) return empty;
    this.#consumers = countConsumers(output);
    const result = this.#lower(output.op);
    const terminal: pb.Op = { inputs: [{ digest: result.digest, index: BigInt(output.index) }] };
    const caps: Record<string, boolean> = { [Cap.constraints]: true, [Cap.platform]: true };
    for (const md of Object.values(this.#metadata)) {
      if (md.description && Object.keys(md.description).length > 0) caps[Cap.metaDescription] = true;
      if (md.ignoreCache) caps[Cap.metaIgnoreCache] = true;
    }
    const bytes = pb.Op.toBinary(terminal);
    const digest = digestOf(bytes);
    this.#order.push({ digest, bytes, op: terminal, node: undefined });
    this.#metadata[digest] = { caps: sortedCaps(Object.keys(caps) as CapID[]) };
    const definition: pb.Definition = {
      def: this.#order.map((o) => o.bytes),
      metadata: this.#metadata,
    };
    const source = this.#sourceMap.build();
    if (source) definition.source = source;
    return {
      definition,
      ops: this.#order,
      locations: this.#locations,
      localDirs: this.#localDirs,
      secrets: this.#uses.secrets(),
      sshAgents: this.#uses.sshAgents(),
      entitlements: this.#uses.entitlements(),
    };
  }

  #lower(node: OpNode): Lowered {
    const cached = this.#done.get(node);
    if (cached) return cached;
    const inputs = new InputList((o) => this.#lower(o.op).digest);
    const caps = new Set<CapID>();
    let op: pb.Op;
    let lowered: OpNode = node;
    let locations = node.location ? [node.location] : [];
    switch (node.kind) {
      case "source":
        op = this.#source(node, caps);
        break;
      case "exec":
        this.#uses.addExec(node);
        op = execOp(node, inputs, caps, this.options.baseConfigs);
        break;
      case "file": {
        const chained = chainFileNodes(node, this.#consumers);
        lowered = chained.node;
        locations = chained.locations;
        op = fileOp(chained.node as FileNode, inputs, caps);
        break;
      }
    }
    op = { inputs: inputs.list, ...op, constraints: {} };
    const metadata: pb.OpMetadata = {};
    if (lowered.ignoreCache) {
      metadata.ignoreCache = true;
      caps.add(Cap.metaIgnoreCache);
    }
    if (lowered.name) metadata.description = { "llb.customname": lowered.name };
    metadata.caps = sortedCaps([...caps]);
    if (lowered.progressGroup) metadata.progressGroup = { ...lowered.progressGroup };
    const bytes = pb.Op.toBinary(op);
    const digest = digestOf(bytes);
    const result = { digest, bytes, op, metadata };
    this.#done.set(node, result);
    for (const loc of locations) this.#sourceMap.add(digest, loc);
    // Identical ops collapse into one, as the engine would do anyway.
    if (!this.#seen.has(digest)) {
      this.#seen.add(digest);
      this.#order.push({ digest, bytes, op, node: lowered });
      this.#metadata[digest] = metadata;
      if (locations[0]) this.#locations.set(digest, locations[0]);
    }
    return result;
  }

  #source(node: SourceNode, caps: Set<CapID>): pb.Op {
    for (const s of node.secrets ?? []) this.#uses.addSecret(s, node.location);
    for (const s of node.sshAgents ?? []) this.#uses.addSsh(s, node.location);
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

function sortedCaps(caps: CapID[]): Record<string, boolean> {
  return Object.fromEntries([...caps].sort().map((c) => [c, true]));
}
