import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { EngineFeatures } from "./engine_features.ts";
import { exporterFor, type ImageOutput, UnsupportedOutputError } from "./outputs.ts";

const containerd: EngineFeatures = { kind: "docker-containerd", multipleExporters: true };
const graphdriver: EngineFeatures = { kind: "docker-graphdriver", multipleExporters: true };
const buildkitd: EngineFeatures = { kind: "buildkitd", multipleExporters: true };

describe("exporterFor()", () => {
  test("image: moby on Docker, image on buildkitd, with every option as the engine's attr", () => {
    const output: ImageOutput = {
      type: "image",
      name: ["r/a:1", "r/a:2"],
      push: true,
      pushByDigest: true,
      insecure: true,
      compression: "zstd",
      compressionLevel: 9,
      forceCompression: true,
      ociMediatypes: false,
      rewriteTimestamp: true,
      annotations: { t: "1", "index:i": "2", "manifest[linux/amd64]:m": "3" },
    };
    const attrs = {
      name: "r/a:1,r/a:2",
      "source-date-epoch": "5",
      push: "true",
      "push-by-digest": "true",
      "registry.insecure": "true",
      compression: "zstd",
      "compression-level": "9",
      "force-compression": "true",
      "oci-mediatypes": "false",
      "rewrite-timestamp": "true",
      "annotation.t": "1",
      "annotation-index.i": "2",
      "annotation-manifest[linux/amd64].m": "3",
    };
    assert.deepEqual(exporterFor(output, containerd, { sourceDateEpoch: 5 }), { type: "moby", attrs });
    assert.deepEqual(exporterFor(output, buildkitd, { sourceDateEpoch: 5 }), { type: "image", attrs });
    assert.deepEqual(exporterFor({ ...output, store: false }, containerd, { sourceDateEpoch: 5 }), {
      type: "image",
      attrs: { ...attrs, store: "false" },
    });
  });

  test("graphdriver Docker: only names, and a clear refusal of the rest", () => {
    assert.deepEqual(exporterFor({ type: "image", name: "a", push: true }, graphdriver), {
      type: "moby",
      attrs: { name: "a" },
    });
    assert.throws(
      () =>
        exporterFor({ type: "image", name: "a", compression: "gzip", annotations: { x: "y" } }, graphdriver),
      (e: Error) =>
        e instanceof UnsupportedOutputError &&
        /option\(s\) compression, annotations need the image exporter/.test(e.message),
    );
    assert.throws(
      () => exporterFor({ type: "image", name: "a" }, graphdriver, { sourceDateEpoch: 0 }),
      /sourceDateEpoch/,
    );
    assert.throws(() => exporterFor({ type: "docker", dest: "d.tar" }, graphdriver), /"docker" output needs/);
  });

  test("files: local, tar, oci and docker tarballs", () => {
    assert.deepEqual(exporterFor({ type: "local", dest: "/o" }, graphdriver), { type: "local", attrs: {} });
    assert.deepEqual(exporterFor({ type: "tar", dest: "-" }, graphdriver), { type: "tar", attrs: {} });
    assert.deepEqual(
      exporterFor({ type: "oci", dest: "o.tar", name: "a:1", compression: "gzip" }, containerd),
      {
        type: "oci",
        attrs: { name: "a:1", compression: "gzip" },
      },
    );
  });
});
