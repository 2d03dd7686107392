/**
 * Joining OCI image-layout tarballs, one per node, into one archive holding a multi-platform image: every
 * blob once, a new image index over each archive's images, and `index.json` naming it, as `docker load`
 * reads it into Docker's containerd image store.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { DrydockError } from "../core/errors.ts";
import { normalizeImageRef } from "../dsl/reference.ts";
import type { IndexEntry } from "./image_index.ts";

const INDEX = "application/vnd.oci.image.index.v1+json";
const BLOCK = 512;

/**
 * The files of a tar archive by name (regular files only; PAX headers give long names).
 *
 * @example
 * ```ts
 * import { readTar, writeTar } from "./oci_archive.ts";
 * readTar(writeTar([["a.txt", new TextEncoder().encode("hi")]])).get("a.txt"); // the bytes of "hi"
 * ```
 */
export function readTar(tar: Uint8Array): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const buf = Buffer.from(tar.buffer, tar.byteOffset, tar.byteLength);
  let at = 0;
  let longName: string | undefined;
  while (at + BLOCK <= buf.length) {
    const header = buf.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, length: number) =>
      header.subarray(start, start + length).toString("utf8").replace(/\0.*$/s, "");
    const size = parseInt(field(124, 12).trim() || "0", 8);
    const type = String.fromCharCode(header[156] || 48);
    const prefix = field(345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    const body = buf.subarray(at + BLOCK, at + BLOCK + size);
    longName = undefined;
    if (type === "x") longName = /\d+ path=([^\n]*)\n/.exec(body.toString("utf8"))?.[1];
    else if (type === "0" || type === "\0") files.set(name.replace(/^\.\//, ""), body);
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return files;
}

/**
 * A ustar archive of regular files (names up to 100 bytes, as OCI layouts use).
 *
 * @example
 * ```ts
 * import { writeTar } from "./oci_archive.ts";
 * writeTar([["oci-layout", new TextEncoder().encode('{"imageLayoutVersion":"1.0.0"}')]]).length; // 2048
 * ```
 */
export function writeTar(files: Iterable<readonly [string, Uint8Array]>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, data] of files) {
    const header = Buffer.alloc(BLOCK);
    header.write(name, 0, 100, "utf8");
    header.write("0000644\0", 100);
    header.write("0000000\0", 108);
    header.write("0000000\0", 116);
    header.write(data.length.toString(8).padStart(11, "0") + "\0", 124);
    header.write("00000000000\0", 136);
    header.write("        ", 148);
    header.write("0", 156);
    header.write("ustar\0" + "00", 257);
    const sum = header.reduce((a, b) => a + b, 0);
    header.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
    parts.push(header, Buffer.from(data), Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

/**
 * One OCI archive holding `names` as one image over the images of `archives` (each an OCI exporter's
 * tarball of one or more platforms). Entries without a platform get `platforms[i]`, the archive's only one.
 *
 * @example
 * ```ts
 * import { mergeOciArchives } from "./oci_archive.ts";
 * // const tar = mergeOciArchives([{ tar: amd64Tar, platform: amd64 }, { tar: arm64Tar, platform: arm64 }], ["app:1"]);
 * ```
 */
export function mergeOciArchives(
  archives: readonly { tar: Uint8Array; platform?: IndexEntry["platform"] }[],
  names: readonly string[],
): Buffer {
  const blobs = new Map<string, Uint8Array>();
  const entries: IndexEntry[] = [];
  for (const { tar, platform } of archives) {
    const files = readTar(tar);
    const indexJson = files.get("index.json");
    if (!indexJson) throw new DrydockError("E_EXPORT", "a node's OCI archive has no index.json");
    for (const [name, data] of files) if (name.startsWith("blobs/")) blobs.set(name, data);
    const top = JSON.parse(Buffer.from(indexJson).toString("utf8")) as { manifests?: IndexEntry[] };
    for (const m of top.manifests ?? []) {
      const { annotations: _a, ...entry } = m;
      if (m.mediaType === INDEX || m.mediaType.endsWith("manifest.list.v2+json")) {
        const nested = blobs.get(`blobs/${m.digest.replace(":", "/")}`);
        if (!nested) throw new DrydockError("E_EXPORT", `a node's OCI archive lacks its index ${m.digest}`);
        entries.push(
          ...(JSON.parse(Buffer.from(nested).toString("utf8")) as { manifests: IndexEntry[] }).manifests,
        );
      } else entries.push({ ...entry, ...(entry.platform || !platform ? {} : { platform }) });
    }
  }
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: INDEX, manifests: entries }));
  const digest = `sha256:${createHash("sha256").update(index).digest("hex")}`;
  blobs.set(`blobs/${digest.replace(":", "/")}`, index);
  const top = {
    schemaVersion: 2,
    mediaType: INDEX,
    manifests: names.map((name) => {
      const ref = normalizeImageRef(name);
      return {
        mediaType: INDEX,
        digest,
        size: index.length,
        annotations: {
          "io.containerd.image.name": ref.normalized,
          "org.opencontainers.image.ref.name": ref.tag ?? "latest",
        },
      };
    }),
  };
  return writeTar([
    ["oci-layout", Buffer.from(JSON.stringify({ imageLayoutVersion: "1.0.0" }))],
    ["index.json", Buffer.from(JSON.stringify(top))],
    ...blobs,
  ]);
}
