import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { mergeOciArchives, readTar, writeTar } from "./oci_archive.ts";

const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const digestOf = (b: Uint8Array) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const MANIFEST = "application/vnd.oci.image.manifest.v1+json";

function archive(manifestBody: string, sharedLayer: Buffer): { tar: Buffer; digest: string } {
  const manifest = Buffer.from(manifestBody);
  const digest = digestOf(manifest);
  const index = { schemaVersion: 2, manifests: [{ mediaType: MANIFEST, digest, size: manifest.length }] };
  const tar = writeTar([
    ["oci-layout", json({ imageLayoutVersion: "1.0.0" })],
    ["index.json", json(index)],
    [`blobs/sha256/${digest.slice(7)}`, manifest],
    [`blobs/sha256/${digestOf(sharedLayer).slice(7)}`, sharedLayer],
  ]);
  return { tar, digest };
}

test("a tar written is read back file by file, sizes not a multiple of 512 included", () => {
  const files = readTar(writeTar([["a", Buffer.from("x".repeat(513))], ["dir/b", Buffer.alloc(0)]]));
  assert.deepEqual([...files.keys()], ["a", "dir/b"]);
  assert.equal(files.get("a")!.length, 513);
});

test("two nodes' archives become one image index naming each platform, every blob once", () => {
  const layer = Buffer.from("shared base layer");
  const amd = archive("amd64 manifest", layer);
  const arm = archive("arm64 manifest", layer);
  const merged = readTar(mergeOciArchives([
    { tar: amd.tar, platform: { os: "linux", architecture: "amd64" } },
    { tar: arm.tar, platform: { os: "linux", architecture: "arm64" } },
  ], ["localhost:5000/app:v1"]));
  const top = JSON.parse(Buffer.from(merged.get("index.json")!).toString()) as {
    manifests: { digest: string; annotations: Record<string, string> }[];
  };
  assert.equal(top.manifests.length, 1);
  assert.deepEqual(top.manifests[0].annotations, {
    "io.containerd.image.name": "localhost:5000/app:v1",
    "org.opencontainers.image.ref.name": "v1",
  });
  const index = JSON.parse(
    Buffer.from(merged.get(`blobs/sha256/${top.manifests[0].digest.slice(7)}`)!).toString(),
  ) as {
    manifests: { digest: string; platform: { architecture: string } }[];
  };
  assert.deepEqual(index.manifests.map((m) => [m.digest, m.platform.architecture]), [
    [amd.digest, "amd64"],
    [arm.digest, "arm64"],
  ]);
  // oci-layout, index.json, the new index, two manifests, one shared layer.
  assert.equal(merged.size, 6);
});
