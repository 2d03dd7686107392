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
 * `<key>-encoded` header is true, the values were URL-query-escaped because one had non-ASCII characters:
 * by the engine (BuildKit 0.10 and later), or by the session for older engines (`repeated_metadata.ts`).
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
  return raw;
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
