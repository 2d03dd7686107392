/**
 * What the engine asks for when it opens `FileSync/DiffCopy`, read from the call's metadata the way
 * BuildKit's own client reads it.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { ContextFilterOptions } from "../fs/context_filter.ts";

/** A DiffCopy request: which directory, filtered how. */
export interface FileSyncRequest extends ContextFilterOptions {
  /** The `local://NAME` the engine wants (`dir-name`). */
  readonly dirName: string;
}

/** The metadata as grpc-js gives it: `get(key)` lists every value of a key. */
export interface MetadataLike {
  get(key: string): (string | Uint8Array)[];
}

/**
 * Reads `dir-name`, `include-patterns`, `exclude-patterns` and `followpaths`. Each value is one pattern or
 * path (the session keeps repeated header fields apart, see `repeated_metadata.ts`). When a
 * `<key>-encoded` header is true, the engine (BuildKit 0.10 and later) URL-query-escaped the values because
 * one had non-ASCII characters; otherwise non-ASCII arrives as raw UTF-8 bytes, which Node's HTTP/2 layer
 * turns into one character per byte, so those are decoded again.
 *
 * @example
 * ```ts
 * import * as grpc from "@grpc/grpc-js";
 * import { readFileSyncRequest } from "./filesync_request.ts";
 * const md = new grpc.Metadata();
 * md.set("dir-name", "context");
 * md.add("exclude-patterns", "caf%C3%A9+bar");
 * md.set("exclude-patterns-encoded", "1");
 * readFileSyncRequest(md); // { dirName: "context", exclude: ["café bar"], include: undefined, followPaths: undefined }
 * ```
 */
export function readFileSyncRequest(metadata: MetadataLike): FileSyncRequest {
  return {
    dirName: values(metadata, "dir-name")?.[0] ?? "",
    include: values(metadata, "include-patterns"),
    exclude: values(metadata, "exclude-patterns"),
    followPaths: values(metadata, "followpaths"),
  };
}

function values(metadata: MetadataLike, key: string): string[] | undefined {
  const raw = metadata.get(key).map((v) => typeof v === "string" ? v : Buffer.from(v).toString("utf8"));
  if (raw.length === 0) return undefined;
  const encodedFlag = metadata.get(`${key}-encoded`)[0];
  if (encodedFlag !== undefined && goParseBool(String(encodedFlag))) return raw.map(queryUnescape);
  return raw.map(utf8FromLatin1);
}

/** Go's `strconv.ParseBool`, true side. */
function goParseBool(s: string): boolean {
  return ["1", "t", "T", "TRUE", "true", "True"].includes(s);
}

/** Go's `url.QueryUnescape`: `+` is a space; a malformed escape gives `""` (Go's result on error). */
function queryUnescape(s: string): string {
  try {
    return decodeURIComponent(s.replaceAll("+", " "));
  } catch {
    return "";
  }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Undoes a Latin-1 reading of UTF-8 bytes; anything else (already decoded text) is kept as it is. */
function utf8FromLatin1(s: string): string {
  // deno-lint-ignore no-control-regex
  if (!/[\u0080-\u00ff]/.test(s) || /[^\u0000-\u00ff]/.test(s)) return s;
  try {
    return strictUtf8.decode(Buffer.from(s, "latin1"));
  } catch {
    return s;
  }
}
