import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildMetadata, writeMetadataFile } from "./metadata.ts";

const descriptor = { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: "sha256:ab", size: 1 };
const response = {
  "containerimage.digest": "sha256:ab",
  "containerimage.descriptor": Buffer.from(JSON.stringify(descriptor)).toString("base64"),
  "image.name": "r/a:1",
  "cache.manifest": '{"digest":"sha256:cd"}',
};

describe("buildMetadata()", () => {
  test("decodes base64 JSON values as buildx does, keeps the rest", () => {
    assert.deepEqual(buildMetadata({ ref: "r1", engine: "buildkitd", exporterResponse: response }), {
      "containerimage.digest": "sha256:ab",
      "containerimage.descriptor": descriptor,
      "image.name": "r/a:1",
      "cache.manifest": '{"digest":"sha256:cd"}',
      "buildx.build.ref": "drydock/buildkitd/r1",
    });
  });
});

describe("writeMetadataFile()", () => {
  test("one target at the top level, several keyed by target", () => {
    const dir = mkdtempSync(join(tmpdir(), "drydock-md-"));
    try {
      writeMetadataFile(join(dir, "one.json"), { app: { ref: "r1", exporterResponse: response } });
      assert.equal(JSON.parse(readFileSync(join(dir, "one.json"), "utf8"))["image.name"], "r/a:1");
      writeMetadataFile(join(dir, "two.json"), {
        app: { ref: "r1", exporterResponse: response },
        test: { ref: "r2", exporterResponse: {} },
      });
      const two = JSON.parse(readFileSync(join(dir, "two.json"), "utf8"));
      assert.deepEqual(Object.keys(two), ["app", "test"]);
      assert.equal(two.test["buildx.build.ref"], "drydock/engine/r2");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
