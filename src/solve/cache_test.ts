import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { cacheOptions, UnsupportedCacheError } from "./cache.ts";

describe("cacheOptions()", () => {
  test("entries with buildkit's attribute names", () => {
    assert.deepEqual(
      cacheOptions(
        [{ type: "registry", ref: "r/a:c", insecure: true }],
        [{ type: "inline" }, {
          type: "registry",
          ref: "r/a:c",
          mode: "max",
          ociMediatypes: true,
          imageManifest: true,
          compression: "zstd",
          ignoreError: true,
        }],
        { kind: "buildkitd", multipleExporters: true },
      ),
      {
        imports: [{ type: "registry", attrs: { ref: "r/a:c", "registry.insecure": "true" } }],
        exports: [
          { type: "inline", attrs: {} },
          {
            type: "registry",
            attrs: {
              ref: "r/a:c",
              mode: "max",
              "oci-mediatypes": "true",
              "image-manifest": "true",
              compression: "zstd",
              "ignore-error": "true",
            },
          },
        ],
      },
    );
  });

  test("local directories: dest for export, src and digest for import", () => {
    const d = "sha256:" + "a".repeat(64);
    assert.deepEqual(
      cacheOptions([{ type: "local", src: "/c", digest: d }], [{ type: "local", dest: "/c", mode: "max" }], {
        kind: "buildkitd",
        multipleExporters: true,
      }),
      {
        imports: [{ type: "local", attrs: { src: "/c", digest: d } }],
        exports: [{ type: "local", attrs: { dest: "/c", mode: "max" } }],
      },
    );
  });

  test("mode defaults to min", () => {
    const r = cacheOptions([], [{ type: "registry", ref: "r" }], {
      kind: "docker-containerd",
      multipleExporters: true,
    });
    assert.equal(r.exports?.[0].attrs?.mode, "min");
  });

  test("graphdriver Docker exports only inline, and says which engines can", () => {
    assert.throws(
      () =>
        cacheOptions([], [{ type: "registry", ref: "r" }], {
          kind: "docker-graphdriver",
          multipleExporters: false,
        }),
      (e: Error) =>
        e instanceof UnsupportedCacheError &&
        e.message ===
          'cache export type "registry" is not supported by this engine, Docker with a graphdriver image store ' +
            "(overlay2) (it exports only inline cache); engines that can: a standalone buildkitd, Docker with the " +
            "containerd image store",
    );
    assert.throws(
      () =>
        cacheOptions([], [{ type: "inline" }, { type: "inline" }], {
          kind: "buildkitd",
          multipleExporters: true,
        }),
      /given twice/,
    );
  });
});
