/**
 * What a persisted cache mount holds, as one digest: read from the tar the
 * engine exported (or the tar file kept on this machine), entry by entry,
 * ignoring modification times, so the same files give the same digest
 * whichever engine or build wrote them.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { Buffer } from "node:buffer";

/** What a tar archive holds. */
export interface TarContent {
  /** sha256 over every entry's path, type, mode, owner, link target and content, in path order. */
  readonly digest: string;
  /** Bytes of file content. */
  readonly size: number;
  readonly entries: number;
}

/** The archive is not a tar archive, or is cut short. */
export class CorruptTarError extends Error {
  override name = "CorruptTarError";
}

const BLOCK = 512;

/**
 * Reads the tar archive at `path` and digests what it holds; throws
 * {@link CorruptTarError} when it is not a whole tar archive.
 *
 * @example
 * ```ts
 * import { tarContent } from "./persist_tar.ts";
 * // (await tarContent("ci-cache/npm.tar")).digest; // "sha256:…"
 * ```
 */
export async function tarContent(path: string): Promise<TarContent> {
  const reader = new TarDigest();
  for await (const chunk of createReadStream(path)) reader.push(chunk as Buffer);
  return reader.finish();
}

/** Digests a tar archive fed in chunks of any size. */
export class TarDigest {
  #pending: Buffer = Buffer.alloc(0);
  #lines: string[] = [];
  #size = 0;
  // The entry being read: its header line so far, content bytes left and padding.
  #entry?: {
    line: string;
    root: boolean;
    left: number;
    pad: number;
    hash: ReturnType<typeof createHash> | undefined;
  };
  #meta?: { kind: "pax" | "longname" | "longlink"; left: number; pad: number; bytes: Buffer[] };
  #overrides: { path?: string; linkpath?: string } = {};
  #ended = false;

  /** Feeds the next bytes of the archive. */
  push(chunk: Buffer): void {
    this.#pending = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    let at = 0;
    while (!this.#ended) {
      if (this.#entry || this.#meta) {
        const body = this.#entry ?? this.#meta!;
        const n = Math.min(body.left, this.#pending.length - at);
        if (this.#entry) this.#entry.hash?.update(this.#pending.subarray(at, at + n));
        else this.#meta!.bytes.push(this.#pending.subarray(at, at + n));
        body.left -= n;
        at += n;
        if (body.left > 0) break;
        if (this.#pending.length - at < body.pad) break;
        at += body.pad;
        body.pad = 0;
        this.#close();
        continue;
      }
      if (this.#pending.length - at < BLOCK) break;
      this.#header(this.#pending.subarray(at, at + BLOCK));
      at += BLOCK;
    }
    this.#pending = this.#pending.subarray(at);
  }

  /** The digest; throws when the archive ended early. */
  finish(): TarContent {
    if (!this.#ended || this.#entry || this.#meta) throw new CorruptTarError("the tar archive is cut short");
    const lines = this.#lines.sort();
    const digest = createHash("sha256").update(lines.join("")).digest("hex");
    return { digest: `sha256:${digest}`, size: this.#size, entries: lines.length };
  }

  #header(block: Buffer): void {
    if (block.every((b) => b === 0)) {
      this.#ended = true; // the end marker (a second zero block may follow)
      return;
    }
    const sum = octal(block, 148, 8);
    let check = 0;
    for (let i = 0; i < BLOCK; i++) check += i >= 148 && i < 156 ? 32 : block[i];
    if (sum !== check) throw new CorruptTarError("not a tar archive (a header's checksum is wrong)");
    const type = String.fromCharCode(block[156] || 48);
    const size = octal(block, 124, 12);
    const pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (type === "x" || type === "L" || type === "K") {
      const kind = type === "x" ? "pax" : type === "L" ? "longname" : "longlink";
      this.#meta = { kind, left: size, pad, bytes: [] };
      return;
    }
    if (type === "g") {
      this.#meta = { kind: "pax", left: size, pad, bytes: [] };
      this.#overrides = {}; // global headers carry nothing an entry's identity needs here
      return;
    }
    const prefix = text(block, 345, 155);
    const name = this.#overrides.path ?? (prefix ? `${prefix}/${text(block, 0, 100)}` : text(block, 0, 100));
    const link = this.#overrides.linkpath ?? text(block, 157, 100);
    this.#overrides = {};
    const path = name.replace(/^(\.\/|\/)+/, "").replace(/\/+$/, "");
    const mode = octal(block, 100, 8) & 0o7777;
    const owner = `${octal(block, 108, 8)}:${octal(block, 116, 8)}`;
    const file = type === "0" || type === "7";
    if (file) this.#size += size;
    const line = `${type} ${mode.toString(8)} ${owner} ${JSON.stringify(path)} ${JSON.stringify(link)}`;
    const hash = file ? createHash("sha256") : undefined;
    this.#entry = { line, root: path === "" || path === ".", left: size, pad, hash };
    if (size === 0) this.#close();
  }

  #close(): void {
    if (this.#entry) {
      const content = this.#entry.hash ? ` ${this.#entry.hash.digest("hex")}` : "";
      // The root's own entry says where the copy was made, not what it holds.
      if (!this.#entry.root) this.#lines.push(`${this.#entry.line}${content}\n`);
      this.#entry = undefined;
      return;
    }
    const meta = this.#meta!;
    this.#meta = undefined;
    const body = Buffer.concat(meta.bytes).toString("utf8");
    if (meta.kind === "longname") this.#overrides.path = body.replace(/\0.*$/s, "");
    else if (meta.kind === "longlink") this.#overrides.linkpath = body.replace(/\0.*$/s, "");
    else {
      // PAX records: "<length> <key>=<value>\n"
      for (const m of body.matchAll(/\d+ ([^=]+)=([^\n]*)\n/g)) {
        if (m[1] === "path") this.#overrides.path = m[2];
        if (m[1] === "linkpath") this.#overrides.linkpath = m[2];
      }
    }
  }
}

function text(block: Buffer, at: number, length: number): string {
  const field = block.subarray(at, at + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString("utf8");
}

function octal(block: Buffer, at: number, length: number): number {
  const field = text(block, at, length).trim();
  if (field === "") return 0;
  if (!/^[0-7]+$/.test(field)) {
    throw new CorruptTarError("not a tar archive (a header field is not a number)");
  }
  return parseInt(field, 8);
}
