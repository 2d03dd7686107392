/**
 * A tar archive as a comparable listing: one line per entry with its type,
 * mode, owner, link target and (for files) the sha256 of its contents;
 * timestamps left out. Reads ustar, GNU long names and PAX headers.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

/** One entry of a listing. */
export interface TarEntry {
  readonly path: string;
  /** `file`, `dir`, `symlink`, `hardlink`, `char`, `block`, `fifo`. */
  readonly type: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly link?: string;
  readonly sha256?: string;
}

const TYPES: Record<string, string> = {
  "0": "file",
  "\0": "file",
  "7": "file",
  "1": "hardlink",
  "2": "symlink",
  "3": "char",
  "4": "block",
  "5": "dir",
  "6": "fifo",
};

const text = (b: Uint8Array, from: number, len: number) => {
  const s = Buffer.from(b.subarray(from, from + len)).toString("utf8");
  const nul = s.indexOf("\0");
  return nul === -1 ? s : s.slice(0, nul);
};
const octal = (b: Uint8Array, from: number, len: number) => parseInt(text(b, from, len).trim() || "0", 8);

/** The entries of a tar file, sorted by path. */
export function tarListing(file: string): TarEntry[] {
  const b = new Uint8Array(readFileSync(file));
  const out: TarEntry[] = [];
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  for (let header = 0; header + 512 <= b.length;) {
    if (b.subarray(header, header + 512).every((x) => x === 0)) break;
    const size = octal(b, header + 124, 12);
    const typeflag = String.fromCharCode(b[header + 156]);
    const body = b.subarray(header + 512, header + 512 + size);
    const at = header;
    header += 512 + Math.ceil(size / 512) * 512;
    if (typeflag === "x") {
      pax = { ...pax, ...paxRecords(body) };
      continue;
    }
    if (typeflag === "g") continue;
    if (typeflag === "L") {
      longName = text(body, 0, body.length);
      continue;
    }
    if (typeflag === "K") {
      longLink = text(body, 0, body.length);
      continue;
    }
    const prefix = text(b, at + 345, 155);
    const name = pax.path ?? longName ?? (prefix ? `${prefix}/` : "") + text(b, at, 100);
    const link = pax.linkpath ?? longLink ?? text(b, at + 157, 100);
    const type = TYPES[typeflag] ?? `type-${typeflag}`;
    out.push({
      path: "/" + name.replace(/^\.?\/*/, "").replace(/\/+$/, ""),
      type,
      mode: octal(b, at + 100, 8) & 0o7777,
      uid: pax.uid !== undefined ? Number(pax.uid) : octal(b, at + 108, 8),
      gid: pax.gid !== undefined ? Number(pax.gid) : octal(b, at + 116, 8),
      ...(type === "symlink" || type === "hardlink" ? { link } : {}),
      ...(type === "file" ? { sha256: createHash("sha256").update(body).digest("hex") } : {}),
    });
    pax = {};
    longName = longLink = undefined;
  }
  return out.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

/** The listing as lines, easy to diff: `dir 0755 0:0 /app`, `file 0644 0:0 /app/x sha256:…`. */
export function listingLines(entries: readonly TarEntry[]): string[] {
  return entries.map((e) =>
    [
      e.type,
      e.mode.toString(8).padStart(4, "0"),
      `${e.uid}:${e.gid}`,
      e.path,
      ...(e.link !== undefined ? [`-> ${e.link}`] : []),
      ...(e.sha256 ? [e.sha256.slice(0, 16)] : []),
    ].join(" ")
  );
}

function paxRecords(body: Uint8Array): Record<string, string> {
  const records: Record<string, string> = {};
  let i = 0;
  while (i < body.length) {
    const space = body.indexOf(0x20, i);
    if (space === -1) break;
    const len = Number(Buffer.from(body.subarray(i, space)).toString("ascii"));
    if (!len) break;
    const kv = Buffer.from(body.subarray(space + 1, i + len - 1)).toString("utf8");
    const eq = kv.indexOf("=");
    records[kv.slice(0, eq)] = kv.slice(eq + 1);
    i += len;
  }
  return records;
}
