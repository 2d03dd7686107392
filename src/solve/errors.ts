/**
 * Errors from a build on the engine, tied back to the build.ts line that made
 * the failing step.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import { formatLocation, type SourceLocation } from "../core/location.ts";
import type { Digest } from "../llb/digest.ts";
import * as errdefs from "../proto/errdefs.gen.ts";
import type { RpcError } from "../transport/rpc.ts";

/** What else is known about a failed step, besides the engine's message. */
export interface BuildErrorOptions extends ErrorOptions {
  /** The step's progress name, e.g. `[app 3/5] RUN npm ci`. */
  step?: string;
  /** The text of the file `location` points into, when the engine sent it with the error. */
  sourceText?: string;
  /** The exit code of the failed process, when the engine reported it. */
  exitCode?: number;
}

/**
 * A build failed on the engine.
 *
 * @example
 * ```ts
 * import { BuildError } from "@drydock/core";
 * const err = new BuildError("exit code: 1", undefined, { file: "/p/build.ts", line: 4, column: 3 });
 * err.location?.line; // 4
 * ```
 */
export class BuildError extends DrydockError {
  /** The class name, shown before the message in stack traces. */
  override name = "BuildError";
  /** The step's progress name, when known. */
  readonly step: string | undefined;
  /** The text of the file `location` points into, when the engine sent it. */
  readonly sourceText: string | undefined;
  /** The exit code of the failed process, when the engine reported it. */
  readonly exitCode: number | undefined;
  /**
   * Made from the engine's failure report; the message gets the build.ts line appended.
   *
   * @param engineMessage The engine's message.
   * @param vertex Digest of the op that failed, when known.
   * @param location Where build.ts made that op.
   * @param options The step's name, the source text and the exit code, when known.
   */
  constructor(
    /** The engine's message. */
    readonly engineMessage: string,
    /** Digest of the op that failed, when known. */
    readonly vertex: Digest | undefined,
    /** Where build.ts made that op. */
    readonly location: SourceLocation | undefined,
    options: BuildErrorOptions = {},
  ) {
    super(
      "E_BUILD",
      (cwd) => engineMessage + (location ? `\n  at ${formatLocation(location, cwd)}` : ""),
      options,
    );
    this.step = options.step;
    this.sourceText = options.sourceText;
    this.exitCode = options.exitCode;
  }
}

/**
 * Writing an export on this machine failed (a destination that cannot be written); the build was cancelled.
 *
 * @example
 * ```ts
 * import { ExportError } from "./errors.ts";
 * new ExportError("writing export to /out: EPERM").code; // "E_EXPORT"
 * ```
 */
export class ExportError extends DrydockError {
  override name = "ExportError";
  constructor(message: string, options?: ErrorOptions) {
    super("E_EXPORT", message, options);
  }
}

const VERTEX_TYPE = "errdefs.Vertex";
const EXIT_TYPE = "gatewayapi.ExitMessage";
const SOURCE_TYPE = "errdefs.Source";
const SOLVE_TYPE = "errdefs.Solve";

/**
 * The failing op's digest from a v0.13 engine's error details, if present.
 *
 * @example
 * ```ts
 * import { failingVertex } from "./errors.ts";
 * // failingVertex(rpcError) === "sha256:..."
 * ```
 */
export function failingVertex(err: RpcError): Digest | undefined {
  for (const d of details(err, VERTEX_TYPE)) {
    const digest = (parseJson(d) as { digest?: string } | undefined)?.digest ??
      decodeOr(() => errdefs.Vertex.decode(d).digest);
    if (digest?.startsWith("sha256:")) return digest as Digest;
  }
  return undefined;
}

/**
 * The exit code of a failed process from a v0.13 engine's error details (`gatewayapi.ExitMessage`), if present.
 *
 * @example
 * ```ts
 * import { exitCodeOf } from "./errors.ts";
 * // exitCodeOf(rpcError) === 3
 * ```
 */
export function exitCodeOf(err: RpcError): number | undefined {
  for (const d of details(err, EXIT_TYPE)) {
    const code = parseJson(d) as { Code?: unknown; code?: unknown } | undefined;
    const value = code?.Code ?? code?.code;
    if (typeof value === "number") return value;
  }
  return undefined;
}

/**
 * The refs the engine kept of a failed op's inputs and mounts (`errdefs.Solve`, sent when a gateway Solve
 * fails in an op), one per mount: what a container needs to show the op's view. Absent on engines that
 * do not send it.
 *
 * @example
 * ```ts
 * import { solveRefs } from "./errors.ts";
 * // solveRefs(rpcError)?.inputIDs → ["ref-of-root", ""]
 * ```
 */
export function solveRefs(err: RpcError): { inputIDs: string[]; mountIDs: string[] } | undefined {
  for (const d of details(err, SOLVE_TYPE)) {
    const json = parseJson(d) as { inputIDs?: string[]; mountIDs?: string[] } | undefined;
    const solve = json ?? decodeOr(() => errdefs.Solve.decode(d));
    if (solve?.inputIDs?.length) return { inputIDs: solve.inputIDs, mountIDs: solve.mountIDs ?? [] };
  }
  return undefined;
}

/** Where the engine says the failing op was made, from the source map sent with the definition. */
export interface EngineSource {
  readonly location: SourceLocation;
  /** The file's text, when the source map carried it. */
  readonly text?: string;
}

/**
 * The build.ts location the engine attached to an error (`errdefs.Source`), when the definition carried a
 * source map. Lines are 1-based; characters are 0-based as in the source map, so the column is one more.
 *
 * @example
 * ```ts
 * import { engineSource } from "./errors.ts";
 * // engineSource(rpcError)?.location → { file: "/p/build.ts", line: 12, column: 3 }
 * ```
 */
export function engineSource(err: RpcError): EngineSource | undefined {
  for (const d of details(err, SOURCE_TYPE)) {
    const source = readSource(d);
    const start = source?.ranges?.[0]?.start;
    const file = source?.info?.filename;
    if (!start || !file || !start.line) continue;
    const data = source.info?.data;
    return {
      location: { file, line: start.line, column: (start.character ?? 0) + 1 },
      ...(data && data.length > 0 ? { text: new TextDecoder().decode(data) } : {}),
    };
  }
  return undefined;
}

function details(err: RpcError, type: string): Uint8Array[] {
  return err.statusDetails
    .filter((d) => d.typeUrl.endsWith(type) || d.typeUrl.endsWith(type + "+json"))
    .map((d) => d.value);
}

/** A `Source` as JSON (Go's encoding/json of the message) or as protobuf bytes. */
function readSource(bytes: Uint8Array): errdefs.Source | undefined {
  const json = parseJson(bytes) as
    | { info?: { filename?: string; data?: string }; ranges?: JsonRange[] }
    | undefined;
  if (json) {
    return {
      info: {
        filename: json.info?.filename ?? "",
        data: json.info?.data
          ? Uint8Array.from(atob(json.info.data), (c) => c.charCodeAt(0))
          : new Uint8Array(),
        language: "",
      },
      ranges: (json.ranges ?? []).map((r) => ({
        start: {
          line: r.start?.line ?? r.start?.Line ?? 0,
          character: r.start?.character ?? r.start?.Character ?? 0,
        },
      })),
    };
  }
  return decodeOr(() => errdefs.Source.decode(bytes));
}

interface JsonPosition {
  line?: number;
  Line?: number;
  character?: number;
  Character?: number;
}
interface JsonRange {
  start?: JsonPosition;
}

function parseJson(bytes: Uint8Array): unknown {
  if (bytes[0] !== 0x7b) return undefined; // "{"
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

function decodeOr<T>(decode: () => T): T | undefined {
  try {
    return decode();
  } catch {
    return undefined;
  }
}
