/**
 * Keeps repeated gRPC metadata values apart. The engine sends one header field per value for
 * `include-patterns`, `exclude-patterns` and `followpaths`; Node's HTTP/2 layer (and Deno's and Bun's)
 * joins repeated fields into one `"a, b"` string before grpc-js sees them, and a pattern may itself contain
 * `", "`. The raw field list is still handed to the server's `stream` listeners, so we restore the values
 * from it before grpc-js builds its `Metadata`.
 *
 * Also, grpc-js drops (with a log line) any text value that is not printable ASCII. Older engines (Docker
 * 20.10) send non-ASCII patterns as raw UTF-8, so such values are URL-query-escaped here with a
 * `<key>-encoded: 1` header, the convention newer engines follow themselves.
 *
 * @module
 */
import type * as grpc from "@grpc/grpc-js";
import type { Http2Server, IncomingHttpHeaders } from "node:http2";
import { Buffer } from "node:buffer";

/**
 * Makes every HTTP/2 server behind `server` (including those made by `createConnectionInjector`, so call
 * this after it) pass repeated header fields to grpc-js as separate metadata values.
 *
 * Relies on grpc-js's `http2Servers` field (grpc-js is pinned); throws if it is missing, so an upgrade
 * that moves it fails loudly in the session tests instead of silently merging patterns.
 *
 * @example
 * ```ts
 * import * as grpc from "@grpc/grpc-js";
 * import { keepRepeatedMetadata } from "./repeated_metadata.ts";
 * const server = new grpc.Server();
 * const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
 * keepRepeatedMetadata(server);
 * ```
 */
export function keepRepeatedMetadata(server: grpc.Server): void {
  const http2Servers = (server as unknown as { http2Servers?: Map<Http2Server, unknown> }).http2Servers;
  if (!(http2Servers instanceof Map)) {
    // A dependency drydock was not built for, not a user's mistake: a plain Error, reported with its stack.
    throw new Error("keepRepeatedMetadata: this grpc-js version does not expose its HTTP/2 servers");
  }
  for (const http2Server of http2Servers.keys()) {
    if (marked.has(http2Server)) continue;
    marked.add(http2Server);
    // Typed by hand: older @types/node (a user's tsc) lists no rawHeaders argument for this event.
    http2Server.prependListener(
      "stream",
      (_stream: unknown, headers: IncomingHttpHeaders, _f: unknown, rawHeaders: unknown) => {
        splitRepeatedHeaders(headers, rawHeaders as unknown as readonly string[] | undefined);
        escapeNonAsciiHeaders(headers);
      },
    );
  }
}

const marked = new WeakSet<Http2Server>();

/**
 * Replaces each header that occurs more than once in `rawHeaders` (a flat `[name, value, ...]` list) by
 * the array of its values, in order. Pseudo-headers are left alone.
 *
 * @example
 * ```ts
 * import { splitRepeatedHeaders } from "./repeated_metadata.ts";
 * const headers: Record<string, string | string[]> = { "exclude-patterns": "a, b, c" };
 * splitRepeatedHeaders(headers, ["exclude-patterns", "a, b", "exclude-patterns", "c"]);
 * headers["exclude-patterns"]; // ["a, b", "c"]
 * ```
 */
export function splitRepeatedHeaders(
  headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>,
  rawHeaders: readonly string[] | undefined,
): void {
  if (!Array.isArray(rawHeaders)) return;
  const values = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = String(rawHeaders[i]).toLowerCase();
    if (name.startsWith(":")) continue;
    const list = values.get(name);
    if (list) list.push(String(rawHeaders[i + 1]));
    else values.set(name, [String(rawHeaders[i + 1])]);
  }
  for (const [name, list] of values) {
    if (list.length > 1) (headers as Record<string, unknown>)[name] = list;
  }
}

/**
 * URL-query-escapes every value of a text header that has a non-ASCII value (undoing the Latin-1 reading
 * of UTF-8 bytes first) and adds `<key>-encoded: 1`, as BuildKit 0.10+ does before sending. Binary
 * (`-bin`) headers and already-encoded keys are left alone.
 *
 * @example
 * ```ts
 * import { escapeNonAsciiHeaders } from "./repeated_metadata.ts";
 * const headers: Record<string, string | string[]> = { "include-patterns": ["caf\u00c3\u00a9", "a b"] };
 * escapeNonAsciiHeaders(headers);
 * headers; // { "include-patterns": ["caf%C3%A9", "a+b"], "include-patterns-encoded": "1" }
 * ```
 */
export function escapeNonAsciiHeaders(
  headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>,
): void {
  const h = headers as Record<string, string | string[] | undefined>;
  for (const key of Object.keys(h)) {
    const value = h[key];
    if (
      key.startsWith(":") || key.endsWith("-bin") || value === undefined || h[`${key}-encoded`] !== undefined
    ) {
      continue;
    }
    const values = Array.isArray(value) ? value : [value];
    if (!values.some((v) => /[^\x20-\x7e]/.test(v))) continue;
    h[key] = values.map((v) => queryEscape(utf8FromLatin1(v)));
    h[`${key}-encoded`] = "1";
  }
}

/** Go's `url.QueryEscape`: spaces become `+`, everything but letters, digits and `-_.~` is %-escaped. */
function queryEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll("%20", "+");
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Undoes a Latin-1 reading of UTF-8 bytes (how Node passes raw header bytes); other text is kept. */
function utf8FromLatin1(s: string): string {
  if (/[\u0100-\uffff]/.test(s)) return s;
  try {
    return strictUtf8.decode(Buffer.from(s, "latin1"));
  } catch {
    return s;
  }
}
