/**
 * A content-addressed blob store in a directory, laid out as an OCI image
 * layout (`blobs/sha256/<hex>`, `index.json`), as BuildKit's `local` cache
 * uses it: the engine writes and reads blobs through the session, and the
 * client tags the cache manifest in `index.json`.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import { createHash, type Hash } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";

/** An OCI descriptor, as far as the cache index needs it. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

/** A write in progress (one `Content/Write` stream). */
export interface Ingest {
  readonly ref: string;
  readonly startedAt: Date;
  offset: number;
  readonly file: string;
  readonly hash: Hash;
}

/** A failure with the gRPC status the content API expects. */
export class ContentError extends DrydockError {
  override name = "ContentError";
  constructor(readonly grpcCode: number, message: string) {
    super("E_CONTENT", message);
  }
}

const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;
const FAILED_PRECONDITION = 9;
const OUT_OF_RANGE = 11;
const INVALID_ARGUMENT = 3;
const REF_NAME = "org.opencontainers.image.ref.name";

/**
 * One directory of blobs.
 *
 * @example
 * ```ts
 * import { LocalContentStore } from "./content_store.ts";
 * const store = new LocalContentStore("/tmp/cache");
 * store.tag("latest", { mediaType: "application/vnd.oci.image.index.v1+json", digest: "sha256:…", size: 1 });
 * ```
 */
export class LocalContentStore {
  constructor(readonly dir: string) {}

  /** Path of a committed blob; throws INVALID_ARGUMENT for a malformed digest. */
  blobPath(digest: string): string {
    const m = /^sha256:([a-f0-9]{64})$/.exec(digest);
    if (!m) throw new ContentError(INVALID_ARGUMENT, `invalid digest ${JSON.stringify(digest)}`);
    return join(this.dir, "blobs", "sha256", m[1]);
  }

  /** Size and times of a committed blob, or NOT_FOUND. */
  info(digest: string): { size: number; modified: Date } {
    const path = this.blobPath(digest);
    if (!existsSync(path)) throw new ContentError(NOT_FOUND, `content ${digest} not found`);
    const st = statSync(path);
    return { size: st.size, modified: st.mtime };
  }

  /** Reads `size` bytes (0: to the end) from `offset`, in chunks. */
  *read(digest: string, offset: number, size: number, chunk = 1 << 20): Generator<Uint8Array> {
    const path = this.blobPath(digest);
    if (!existsSync(path)) throw new ContentError(NOT_FOUND, `content ${digest} not found`);
    const total = statSync(path).size;
    const end = size > 0 ? Math.min(total, offset + size) : total;
    const fd = openSync(path, "r");
    try {
      for (let at = Math.max(0, offset); at < end;) {
        const buf = new Uint8Array(Math.min(chunk, end - at));
        const n = readSync(fd, buf, 0, buf.length, at);
        if (n <= 0) break;
        yield buf.subarray(0, n);
        at += n;
      }
    } finally {
      closeSync(fd);
    }
  }

  /** Starts (or restarts from zero) a write; ALREADY_EXISTS when `expected` is committed. */
  begin(ref: string, expected: string | undefined): Ingest {
    if (expected && existsSync(this.blobPath(expected))) {
      throw new ContentError(ALREADY_EXISTS, `content ${expected} already exists`);
    }
    const dir = join(this.dir, "ingest", createHash("sha256").update(ref).digest("hex"));
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "data");
    writeFileSync(file, new Uint8Array());
    return { ref, startedAt: new Date(), offset: 0, file, hash: createHash("sha256") };
  }

  /** Appends `data` at `offset` (which must be the current end, or 0 to restart). */
  write(ingest: Ingest, offset: number, data: Uint8Array): void {
    if (offset !== ingest.offset) {
      throw new ContentError(OUT_OF_RANGE, `write at ${offset} but ${ingest.ref} has ${ingest.offset} bytes`);
    }
    if (data.byteLength === 0) return;
    const fd = openSync(ingest.file, "a");
    try {
      writeSync(fd, data);
    } finally {
      closeSync(fd);
    }
    ingest.hash.update(data);
    ingest.offset += data.byteLength;
  }

  /** Checks size and digest and moves the data into `blobs/`; returns the digest. */
  commit(ingest: Ingest, total: number, expected: string | undefined): string {
    const digest = `sha256:${ingest.hash.digest("hex")}`;
    if (total > 0 && total !== ingest.offset) {
      throw new ContentError(
        FAILED_PRECONDITION,
        `${ingest.ref}: got ${ingest.offset} bytes, expected ${total}`,
      );
    }
    if (expected && expected !== digest) {
      throw new ContentError(
        FAILED_PRECONDITION,
        `${ingest.ref}: got digest ${digest}, expected ${expected}`,
      );
    }
    const path = this.blobPath(digest);
    mkdirSync(join(this.dir, "blobs", "sha256"), { recursive: true });
    if (existsSync(path)) {
      this.abort(ingest.ref);
      throw new ContentError(ALREADY_EXISTS, `content ${digest} already exists`);
    }
    renameSync(ingest.file, path);
    this.abort(ingest.ref);
    return digest;
  }

  /** Drops a write in progress. */
  abort(ref: string): void {
    rmSync(join(this.dir, "ingest", createHash("sha256").update(ref).digest("hex")), {
      recursive: true,
      force: true,
    });
  }

  /** The descriptor tagged `tag` in `index.json`, if any. */
  tagged(tag: string): Descriptor | undefined {
    const path = join(this.dir, "index.json");
    if (!existsSync(path)) return undefined;
    const index = JSON.parse(readFileSync(path, "utf8")) as { manifests?: Descriptor[] };
    return index.manifests?.find((m) => m.annotations?.[REF_NAME] === tag);
  }

  /** Tags `desc` as `tag` in `index.json`, replacing an earlier entry with that tag. */
  tag(tag: string, desc: Descriptor): void {
    const path = join(this.dir, "index.json");
    mkdirSync(this.dir, { recursive: true });
    const index = existsSync(path)
      ? JSON.parse(readFileSync(path, "utf8")) as { schemaVersion: number; manifests?: Descriptor[] }
      : { schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [] };
    const kept = (index.manifests ?? []).filter((m) => m.annotations?.[REF_NAME] !== tag);
    index.manifests = [...kept, { ...desc, annotations: { ...desc.annotations, [REF_NAME]: tag } }];
    writeFileSync(`${path}.tmp`, JSON.stringify(index));
    renameSync(`${path}.tmp`, path);
  }
}
