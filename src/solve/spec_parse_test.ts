import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  parseCacheExportSpec,
  parseCacheImportSpec,
  parseCsvPairs,
  parseOutputSpec,
  SpecError,
} from "./spec_parse.ts";

describe("parseCsvPairs()", () => {
  test("splits fields and honours quotes", () => {
    assert.deepEqual(parseCsvPairs('type=image,"name=a:1,a:2",push'), [
      ["type", "image"],
      ["name", "a:1,a:2"],
      ["push", ""],
    ]);
    assert.deepEqual(parseCsvPairs('"annotation.x=say ""hi"""'), [["annotation.x", 'say "hi"']]);
    assert.throws(() => parseCsvPairs('"name=a'), SpecError);
  });
});

describe("parseOutputSpec()", () => {
  test("bare path and dash, as in buildx", () => {
    assert.deepEqual(parseOutputSpec("out"), { type: "local", dest: "out" });
    assert.deepEqual(parseOutputSpec("-"), { type: "tar", dest: "-" });
  });

  test("registry means image with push, names split on commas", () => {
    assert.deepEqual(
      parseOutputSpec(
        'type=registry,"name=r/a:1,r/a:2",compression=zstd,compression-level=3,oci-mediatypes=true',
      ),
      {
        type: "image",
        push: true,
        name: ["r/a:1", "r/a:2"],
        compression: "zstd",
        compressionLevel: 3,
        ociMediatypes: true,
      },
    );
  });

  test("annotations keep where they apply", () => {
    const o = parseOutputSpec(
      "type=image,name=a,annotation.t=1,annotation-index.i=2,annotation-manifest[linux/amd64].m=3",
    );
    assert.equal(o.type, "image");
    assert.deepEqual((o as { annotations?: unknown }).annotations, {
      t: "1",
      "index:i": "2",
      "manifest[linux/amd64]:m": "3",
    });
  });

  test("tarballs, push-by-digest and booleans", () => {
    assert.deepEqual(parseOutputSpec("type=oci,dest=o.tar,name=x"), {
      type: "oci",
      dest: "o.tar",
      name: ["x"],
    });
    assert.deepEqual(parseOutputSpec("type=image,name=r/a,push-by-digest=true,push=1,store=false"), {
      type: "image",
      name: ["r/a"],
      pushByDigest: true,
      push: true,
      store: false,
    });
  });

  test("errors name the flag and the key", () => {
    assert.throws(() => parseOutputSpec("type=image,name=a,colour=red"), /--output: unknown key "colour"/);
    assert.throws(
      () => parseOutputSpec("type=image,name=a,push=maybe"),
      /--output: push must be true or false/,
    );
    assert.throws(
      () => parseOutputSpec("type=image,name=a,compression=lz4"),
      /--output "type=image.*compression/,
    );
    assert.throws(() => parseOutputSpec("type=ftp,dest=x"), /--output "type=ftp,dest=x"/);
  });
});

describe("cache specs", () => {
  test("--cache-to", () => {
    assert.deepEqual(parseCacheExportSpec("type=registry,ref=r/a:cache,mode=max,ignore-error=true"), {
      type: "registry",
      ref: "r/a:cache",
      mode: "max",
      ignoreError: true,
    });
    assert.deepEqual(parseCacheExportSpec("type=inline"), { type: "inline" });
    assert.throws(() => parseCacheExportSpec("type=registry,ref=r,mode=most"), /--cache-to .*mode/);
    assert.deepEqual(parseCacheExportSpec("type=local,dest=cache,mode=max"), {
      type: "local",
      dest: "cache",
      mode: "max",
    });
    assert.throws(() => parseCacheExportSpec("type=registry,ref=r,src=x"), /unknown key "src"/);
    assert.throws(
      () => parseCacheExportSpec("type=registry,ref=r,dest=x"),
      /--cache-to "type=registry,ref=r,dest=x"/,
    );
  });

  test("--cache-from", () => {
    assert.deepEqual(parseCacheImportSpec("r/a:cache"), { type: "registry", ref: "r/a:cache" });
    assert.deepEqual(parseCacheImportSpec("type=registry,ref=r/a:cache"), {
      type: "registry",
      ref: "r/a:cache",
    });
    assert.deepEqual(parseCacheImportSpec("type=local,src=cache,tag=v1"), {
      type: "local",
      src: "cache",
      tag: "v1",
    });
    assert.throws(() => parseCacheImportSpec("type=gha"), /--cache-from "type=gha"/);
  });
});
