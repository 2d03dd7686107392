/**
 * The rawjson progress renderer: every status update as buildx's `--progress=rawjson` prints it, for tools.
 *
 * @module
 */

import { ProgressModel } from "./model.ts";
import type { StatusResponse, Timestamp } from "./status.ts";

/** Options for {@linkcode RawJsonRenderer}. */
export interface RawJsonRendererOptions {
  /**
   * The model to fold updates into, for sharing it with an error report.
   * @default {new ProgressModel()}
   */
  model?: ProgressModel;
}

/**
 * Prints each status update as one JSON document, in the shape and field order of buildx's
 * `--progress=rawjson` (Go's `client.SolveStatus`, indented by two spaces, one document after another): times in
 * RFC 3339 with nanoseconds, log data in base64, empty fields left out as Go's `omitempty` does.
 *
 * @example One vertex
 * ```ts
 * import assert from "node:assert/strict";
 * import { RawJsonRenderer } from "@drydock/core/progress";
 *
 * let out = "";
 * const renderer = new RawJsonRenderer((text) => out += text);
 * renderer.update({ vertexes: [{ digest: "sha256:a", name: "RUN a && b", started: { seconds: 1n, nanos: 5e8 } }] });
 * assert.equal(JSON.parse(out).vertexes[0].started, "1970-01-01T00:00:01.5Z");
 * assert.match(out, /"RUN a \\u0026\\u0026 b"/);
 * ```
 */
export class RawJsonRenderer {
  /** The model this renderer folds updates into. */
  readonly model: ProgressModel;
  readonly #sink: (text: string) => void;

  /**
   * A renderer that prints each update as JSON, as `--progress=rawjson` does.
   *
   * @param sink receives one JSON document (ending in a newline) per update
   * @param options `model`: a model to share with other readers.
   */
  constructor(sink: (text: string) => void, options: RawJsonRendererOptions = {}) {
    this.#sink = sink;
    this.model = options.model ?? new ProgressModel();
  }

  /**
   * Folds one update into the model and prints it.
   *
   * @example An empty update prints an empty object, as buildx does
   * ```ts
   * import assert from "node:assert/strict";
   * import { RawJsonRenderer } from "@drydock/core/progress";
   *
   * let out = "";
   * new RawJsonRenderer((text) => out += text).update({});
   * assert.equal(out, "{}\n");
   * ```
   */
  update(status: StatusResponse): void {
    this.model.apply(status);
    this.#sink(formatRawJson(status));
  }

  /**
   * Messages are not status documents: they go to the same output between documents.
   *
   * @example
   * ```ts
   * import { RawJsonRenderer } from "@drydock/core/progress";
   * new RawJsonRenderer((text) => void text).print("Interrupted\n");
   * ```
   */
  print(text: string): void {
    this.#sink(text);
  }

  /**
   * Nothing is pending: every update was printed when it arrived.
   *
   * @example
   * ```ts
   * import { RawJsonRenderer } from "@drydock/core/progress";
   * new RawJsonRenderer(() => {}).done();
   * ```
   */
  done(): void {}
}

/**
 * One status update as buildx's rawjson document, with its trailing newline.
 *
 * @example A log entry
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatRawJson } from "@drydock/core/progress";
 *
 * const text = formatRawJson({ logs: [{ vertex: "sha256:a", stream: 1n, msg: new TextEncoder().encode("hi\n") }] });
 * assert.deepEqual(JSON.parse(text).logs[0], { vertex: "sha256:a", stream: 1, data: "aGkK", timestamp: "0001-01-01T00:00:00Z" });
 * ```
 */
export function formatRawJson(status: StatusResponse): string {
  const doc: Record<string, unknown> = {};
  if (status.vertexes?.length) {
    doc.vertexes = status.vertexes.map((v) =>
      compact({
        digest: v.digest || undefined,
        inputs: v.inputs?.length ? v.inputs : undefined,
        name: v.name || undefined,
        started: optionalTime(v.started),
        completed: optionalTime(v.completed),
        cached: v.cached || undefined,
        error: v.error || undefined,
        progressGroup: v.progressGroup && compact({
          id: v.progressGroup.id || undefined,
          name: v.progressGroup.name || undefined,
          weak: v.progressGroup.weak || undefined,
        }),
      })
    );
  }
  if (status.statuses?.length) {
    doc.statuses = status.statuses.map((s) =>
      compact({
        id: s.id ?? "",
        vertex: s.vertex || undefined,
        name: s.name || undefined,
        total: s.total ? Number(s.total) : undefined,
        current: Number(s.current ?? 0n),
        timestamp: goTime(s.timestamp),
        started: optionalTime(s.started),
        completed: optionalTime(s.completed),
      })
    );
  }
  if (status.logs?.length) {
    doc.logs = status.logs.map((l) =>
      compact({
        vertex: l.vertex || undefined,
        stream: l.stream ? Number(l.stream) : undefined,
        data: base64(l.msg ?? new Uint8Array()),
        timestamp: goTime(l.timestamp),
      })
    );
  }
  if (status.warnings?.length) {
    doc.warnings = status.warnings.map((w) =>
      compact({
        vertex: w.vertex || undefined,
        level: w.level ? Number(w.level) : undefined,
        short: w.short?.length ? base64(w.short) : undefined,
        detail: w.detail?.length ? w.detail.map(base64) : undefined,
        url: w.url || undefined,
      })
    );
  }
  const text = Object.keys(doc).length === 0 ? "{}" : JSON.stringify(doc, null, 2);
  return escapeLikeGo(text) + "\n";
}

/** Go's encoding/json escapes these so the output is safe inside HTML. */
function escapeLikeGo(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function compact(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

function optionalTime(ts: Timestamp | undefined): string | undefined {
  return ts === undefined ? undefined : goTime(ts);
}

/**
 * A time as Go's `time.Time` marshals to JSON (RFC 3339, nanoseconds with trailing zeros trimmed, UTC); an
 * absent time is Go's zero time.
 */
function goTime(ts: Timestamp | undefined): string {
  if (ts === undefined) return "0001-01-01T00:00:00Z";
  const seconds = ts.seconds ?? 0n;
  const date = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  const nanos = ts.nanos ?? 0;
  const fraction = nanos === 0 ? "" : "." + String(nanos).padStart(9, "0").replace(/0+$/, "");
  return `${date}${fraction}Z`;
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * Reads a rawjson recording (from buildx `--progress=rawjson` or {@linkcode RawJsonRenderer}) back into status
 * updates, so a build's progress can be replayed through any renderer.
 *
 * @example Round trip
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatRawJson, parseRawJson } from "@drydock/core/progress";
 *
 * const update = { vertexes: [{ digest: "sha256:a", name: "a", started: { seconds: 1700000000n, nanos: 5 } }] };
 * assert.deepEqual(parseRawJson(formatRawJson(update) + formatRawJson({})), [update, {}]);
 * ```
 */
export function parseRawJson(text: string): StatusResponse[] {
  const updates: StatusResponse[] = [];
  let pending = "";
  for (const line of text.split("\n")) {
    if (line.trim() === "" && pending === "") continue;
    pending += line + "\n";
    // Documents are either one line, or indented with their closing brace alone at column 0.
    if (line === "}" || (pending === line + "\n" && line.startsWith("{") && line.endsWith("}"))) {
      updates.push(statusFromJson(JSON.parse(pending)));
      pending = "";
    }
  }
  if (pending.trim() !== "") throw new SyntaxError("rawjson recording ends inside a document");
  return updates;
}

interface JsonStatus {
  vertexes?: {
    digest?: string;
    inputs?: string[];
    name?: string;
    started?: string;
    completed?: string;
    cached?: boolean;
    error?: string;
    progressGroup?: { id?: string; name?: string; weak?: boolean };
  }[];
  statuses?: {
    id?: string;
    vertex?: string;
    name?: string;
    total?: number;
    current?: number;
    timestamp?: string;
    started?: string;
    completed?: string;
  }[];
  logs?: { vertex?: string; stream?: number; data?: string; timestamp?: string }[];
  warnings?: { vertex?: string; level?: number; short?: string; detail?: string[]; url?: string }[];
}

function statusFromJson(doc: JsonStatus): StatusResponse {
  const out: StatusResponse = {};
  if (doc.vertexes) {
    out.vertexes = doc.vertexes.map((v) =>
      compact({
        digest: v.digest,
        inputs: v.inputs,
        name: v.name,
        started: parseTime(v.started),
        completed: parseTime(v.completed),
        cached: v.cached,
        error: v.error,
        progressGroup: v.progressGroup,
      })
    );
  }
  if (doc.statuses) {
    out.statuses = doc.statuses.map((s) =>
      compact({
        id: s.id,
        vertex: s.vertex,
        name: s.name,
        total: s.total === undefined ? undefined : BigInt(s.total),
        current: BigInt(s.current ?? 0),
        timestamp: parseTime(s.timestamp),
        started: parseTime(s.started),
        completed: parseTime(s.completed),
      })
    );
  }
  if (doc.logs) {
    out.logs = doc.logs.map((l) =>
      compact({
        vertex: l.vertex,
        stream: l.stream === undefined ? undefined : BigInt(l.stream),
        msg: fromBase64(l.data ?? ""),
        timestamp: parseTime(l.timestamp),
      })
    );
  }
  if (doc.warnings) {
    out.warnings = doc.warnings.map((w) =>
      compact({
        vertex: w.vertex,
        level: w.level === undefined ? undefined : BigInt(w.level),
        short: w.short === undefined ? undefined : fromBase64(w.short),
        detail: w.detail?.map(fromBase64),
        url: w.url,
      })
    );
  }
  return out;
}

/** RFC 3339 with up to nanoseconds; Go's zero time reads as absent. */
function parseTime(text: string | undefined): Timestamp | undefined {
  if (text === undefined || text.startsWith("0001-01-01T00:00:00")) return undefined;
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  if (!m) throw new SyntaxError(`not an RFC 3339 time: ${text}`);
  const seconds = BigInt(Math.floor(Date.parse(m[1] + m[3]) / 1000));
  return { seconds, nanos: Number((m[2] ?? "").padEnd(9, "0")) };
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
