/**
 * Lowers a DSL graph to an LLB `Definition`. Pure and deterministic: the same
 * graph gives the same bytes, so the same op digests, on every run and runtime.
 *
 * @module
 */
import type { ContextNode, FrontendNode, OpNode, Output, SourceNode } from "../dsl/graph.ts";
import { DrydockError, OptionError } from "../core/errors.ts";
import { formatLocation, type SourceLocation } from "../core/location.ts";
import { type State, stateData } from "../dsl/state.ts";
import * as pb from "../proto/pb.gen.ts";
import { Writer } from "../proto/runtime.gen.ts";
import { Cap, type CapID } from "./caps.ts";
import { type Digest, digestOf } from "./digest.ts";
import { diffOp, mergeFallback, mergeOp } from "./merge_op.ts";
import { sourceOp } from "./source_op.ts";
import { execOp } from "./exec_op.ts";
import { chainFileNodes, countConsumers } from "./file_chain.ts";
import { contextInput, frontendInputs, graphNodes, nodeInputs } from "./graph_walk.ts";
import { withCacheSeeds } from "./cache_seeds.ts";
import { fileOp } from "./file_op.ts";
import { InputList } from "./inputs.ts";
import { SourceMapBuilder } from "./source_map.ts";
import { UseCollector } from "./uses.ts";
import type { MarshalledOp, MarshalOptions, MarshalResult } from "./marshal_types.ts";

interface Lowered {
  readonly digest: Digest;
  /** Output index to use for this node's output 0; only frontend results differ. */
  readonly index?: bigint;
  readonly bytes: Uint8Array;
  readonly op: pb.Op;
  readonly metadata: pb.OpMetadata;
}

/** How one node is lowered. */
interface Plan {
  /** The node whose op is made: the node itself, or the file steps it chains, joined. */
  readonly node: OpNode;
  /** Where the calls that made the op were. */
  readonly locations: readonly SourceLocation[];
  /** Nodes lowered before this one, in the order the op reads them. */
  readonly needs: readonly OpNode[];
  /** Lowered as this other node (a merge's copy fallback). */
  readonly as?: OpNode;
}

function opsOf(outputs: readonly (Output | null)[]): OpNode[] {
  const ops: OpNode[] = [];
  for (const o of outputs) if (o) ops.push(o.op);
  return ops;
}

/**
 * Lowers the filesystem of `state` to an LLB definition.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { marshal } from "./marshal.ts";
 * const { definition, ops } = marshal(image("busybox").run("echo hi"));
 * ops.at(-1)!.op.inputs!.length; // 1: the terminal op points at the result
 * ```
 */
export function marshal(state: State, options: MarshalOptions = {}): MarshalResult {
  // Overrides can make a cycle (a context replaced by a target that uses it): refused before lowering.
  if (options.contexts?.size) graphNodes(state, options.contexts);
  return new Marshaller(options).run(stateData(state).output);
}

class Marshaller {
  readonly #done = new Map<OpNode, Lowered>();
  readonly #plans = new Map<OpNode, Plan>();
  readonly #order: MarshalledOp[] = [];
  readonly #seen = new Set<Digest>();
  readonly #metadata: Record<string, pb.OpMetadata> = {};
  readonly #locations = new Map<Digest, SourceLocation>();
  readonly #localDirs = new Map<string, string>();
  /** Where each local() name was first used, for the message when another directory takes it. */
  readonly #localCalls = new Map<string, SourceLocation>();
  readonly #uses = new UseCollector();
  readonly #sourceMap = new SourceMapBuilder();
  #consumers = new Map<OpNode, number>();
  readonly #notices = new Set<string>();

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
      notices: [],
    };
    if (output === null) return empty;
    this.#consumers = countConsumers(output, this.options.contexts);
    this.#lowerAll(output.op);
    const result = this.#ref(output);
    if (!result) return empty;
    const terminal: pb.Op = { inputs: [result] };
    const caps: Record<string, boolean> = { [Cap.constraints]: true, [Cap.platform]: true };
    for (const md of Object.values(this.#metadata)) {
      if (md.description && Object.keys(md.description).length > 0) caps[Cap.metaDescription] = true;
      if (md.ignoreCache) caps[Cap.metaIgnoreCache] = true;
    }
    const bytes = encodeOp(terminal);
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
      notices: [...this.#notices],
    };
  }

  /** The input `o` lowers to; `undefined` when it is the empty filesystem (an empty frontend result). */
  #ref(o: Output): pb.Input | undefined {
    const lowered = this.#done.get(o.op);
    if (!lowered) throw new Error(`internal: ${o.op.kind} op referenced before it was lowered`);
    if (lowered === EMPTY) return undefined;
    return { digest: lowered.digest, index: lowered.index ?? BigInt(o.index) };
  }

  /**
   * Lowers `root` and everything it needs, dependencies first, with an explicit stack instead of
   * recursion: a chain of any length cannot overflow the call stack. The order is the one a recursive
   * walk over each op's inputs gives, so definitions stay byte-identical.
   */
  #lowerAll(root: OpNode): void {
    const stack: OpNode[] = [root];
    while (stack.length > 0) {
      const node = stack[stack.length - 1];
      if (this.#done.has(node)) {
        stack.pop();
        continue;
      }
      const plan = this.#plan(node);
      let ready = true;
      for (let i = plan.needs.length - 1; i >= 0; i--) {
        if (!this.#done.has(plan.needs[i])) {
          stack.push(plan.needs[i]);
          ready = false;
        }
      }
      if (!ready) continue;
      stack.pop();
      this.#done.set(node, plan.as ? this.#done.get(plan.as)! : this.#lower(node, plan));
      // Only a node waiting for its inputs needs its plan again; 100,000 of them would stay alive.
      this.#plans.delete(node);
    }
  }

  /** What lowering `node` takes: the node actually lowered (chained file steps) and the nodes it reads. */
  #plan(node: OpNode): Plan {
    const known = this.#plans.get(node);
    if (known) return known;
    let plan: Plan;
    if (node.kind === "merge" && this.options.caps && !this.options.caps.supports(Cap.mergeOp)) {
      // Same files, as copies instead of layers: what Dockerfile COPY --link does without mergeop.
      this.#notices.add(
        "merge(): this engine has no merge op, so layers are stacked with copies (one layer, no independent caching)",
      );
      const fallback = mergeFallback(node);
      plan = { node, locations: [], needs: [fallback], as: fallback };
    } else if (node.kind === "context") {
      plan = { node, locations: [], needs: opsOf([contextInput(node, this.options.contexts)]) };
    } else if (node.kind === "frontend") {
      const preview = !this.options.frontendResults?.has(node) && this.options.previewFrontends;
      plan = { node, locations: [], needs: preview ? opsOf(nodeInputs(node, this.options.contexts)) : [] };
    } else if (node.kind === "file") {
      const chained = chainFileNodes(node, this.#consumers);
      plan = { node: chained.node, locations: chained.locations, needs: opsOf(nodeInputs(chained.node)) };
    } else {
      const lowered = node.kind === "exec"
        ? withCacheSeeds(node, this.options.cacheSeeds ?? new Map())
        : node;
      plan = {
        node: lowered,
        locations: node.location ? [node.location] : [],
        needs: opsOf(nodeInputs(lowered)),
      };
    }
    this.#plans.set(node, plan);
    return plan;
  }

  /** Lowers one node whose inputs are all lowered. */
  #lower(node: OpNode, plan: Plan): Lowered {
    if (node.kind === "frontend") return this.#splice(node);
    if (node.kind === "context") return this.#context(node);
    const inputs = new InputList((o) => this.#ref(o));
    const caps = new Set<CapID>();
    const lowered = plan.node;
    const locations = plan.locations;
    let op: pb.Op;
    switch (lowered.kind) {
      case "source":
        op = this.#source(lowered, caps);
        break;
      case "merge":
        op = mergeOp(lowered, inputs, caps);
        break;
      case "diff":
        op = diffOp(lowered, inputs, caps);
        break;
      case "exec":
        this.#uses.addExec(lowered);
        op = execOp(lowered, inputs, caps, this.options.baseConfigs, this.options.caps);
        break;
      case "file":
        op = fileOp(lowered, inputs, caps, this.options.baseConfigs);
        break;
      case "frontend":
      case "context":
        throw new Error(`internal: a ${lowered.kind} node makes no op of its own`);
    }
    op = { inputs: inputs.list, ...op, constraints: {} };
    const metadata: pb.OpMetadata = {};
    // --no-cache re-runs every step; image sources stay pinned (re-resolving them needs the registry).
    const noCache = this.options.ignoreCache && (node.kind === "exec" || node.kind === "file");
    if (lowered.ignoreCache || noCache) {
      metadata.ignoreCache = true;
      caps.add(Cap.metaIgnoreCache);
    }
    if (lowered.name) metadata.description = { "llb.customname": lowered.name };
    metadata.caps = sortedCaps([...caps]);
    if (lowered.progressGroup) metadata.progressGroup = { ...lowered.progressGroup };
    const bytes = encodeOp(op);
    const digest = digestOf(bytes);
    const result = { digest, bytes, op, metadata };
    for (const loc of locations) this.#sourceMap.add(digest, loc);
    // Identical ops collapse into one, as the engine would do anyway; one asking to
    // ignore the cache makes the shared vertex do so.
    if (this.#seen.has(digest) && metadata.ignoreCache && !this.#metadata[digest].ignoreCache) {
      this.#metadata[digest] = { ...this.#metadata[digest], ignoreCache: true };
      this.#metadata[digest].caps = { ...this.#metadata[digest].caps, [Cap.metaIgnoreCache]: true };
    }
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
    if (node.type === "local") {
      const name = node.sessionName;
      const known = this.#localDirs.get(name);
      if (known !== undefined && known !== node.dir) {
        const first = this.#localCalls.get(name);
        throw new OptionError("local", [{
          option: "dir",
          message: (cwd) =>
            `gets the engine name "${name}", which local("${known}")${
              first ? ` at ${formatLocation(first, cwd)}` : ""
            } already has; use one path for one directory (e.g. absolute, or relative to one build.ts)`,
        }], node.location);
      }
      this.#localDirs.set(name, node.dir);
      if (node.location && !this.#localCalls.has(name)) this.#localCalls.set(name, node.location);
    }
    return sourceOp(node, this.options, caps);
  }

  /** A named context is the op of the state it stands for: its override, or its default. */
  #context(node: ContextNode): Lowered {
    const input = contextInput(node, this.options.contexts);
    if (!input) return EMPTY;
    const lowered = this.#done.get(input.op)!;
    if (lowered === EMPTY) return EMPTY;
    return { ...lowered, index: lowered.index ?? BigInt(input.index) };
  }

  /** Adds a frontend's ops as they are (their digests are the engine's) and points at its result. */
  #splice(node: FrontendNode): Lowered {
    const def = this.options.frontendResults?.get(node);
    if (def === null) return EMPTY;
    if (!def && this.options.previewFrontends) {
      // Its inputs are lowered already (see #plan): their local dirs and secrets are known.
      return {
        digest: digestOf(
          new TextEncoder().encode(
            `frontend ${node.frontend} ${JSON.stringify(frontendInputs(node, this.options.contexts).attrs)}`,
          ),
        ),
        bytes: new Uint8Array(),
        op: {},
        metadata: {},
      };
    }
    if (!def?.def?.length) {
      const location = node.location;
      throw new DrydockError(
        "E_FRONTEND_UNRESOLVED",
        (cwd) =>
          `${node.name ?? node.frontend}${location ? ` (at ${formatLocation(location, cwd)})` : ""}: ` +
          "its steps come from the engine's frontend, so they are known only during a build " +
          "(see solve's onDefinition); marshal with previewFrontends for a placeholder",
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
    if (!result?.digest) {
      throw new DrydockError("E_BUILD", `${node.name ?? node.frontend}: the frontend returned no result`);
    }
    return {
      digest: result.digest as Digest,
      index: result.index ?? 0n,
      bytes: new Uint8Array(),
      op: {},
      metadata: {},
    };
  }
}

/**
 * protobufjs's plain writer: its default one allocates a node `Buffer` per op, which costs more on Deno
 * (the Buffer pool) than encoding the op. Same bytes. One writer for all ops (protobufjs 8 writes into one
 * growing buffer; `finish()` copies the op's bytes out).
 */
function encodeOp(op: pb.Op): Uint8Array {
  // Emptied before each op, also after an encode that threw halfway.
  opWriter.pos = 0;
  opWriter.states = null;
  return pb.Op.encode(op, opWriter).finish();
}

const opWriter = new Writer();

// A frontend result that is the empty filesystem: inputs using it are scratch.
const EMPTY: Lowered = { digest: "sha256:" as Digest, bytes: new Uint8Array(), op: {}, metadata: {} };

function sortedCaps(caps: CapID[]): Record<string, boolean> {
  return Object.fromEntries([...caps].sort().map((c) => [c, true]));
}
