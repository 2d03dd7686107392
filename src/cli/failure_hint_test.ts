// Engine messages as Docker 26.1 (BuildKit v0.13) and Docker 20.10 (v0.8) sent them in real builds.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { explainFailure } from "./failure_hint.ts";

describe("failure hints", () => {
  test("`explainFailure()` finds the exit code of a run on both engine generations", () => {
    assert.deepEqual(
      explainFailure(
        'process "/bin/sh -c echo oops >&2; exit 3" did not complete successfully: exit code: 3',
      ),
      { summary: "exited with code 3", exitCode: 3 },
    );
    assert.deepEqual(
      explainFailure("executor failed running [/bin/sh -c echo oops >&2; exit 3]: exit code: 3"),
      { summary: "exited with code 3", exitCode: 3 },
    );
  });

  test("`explainFailure()` names the missing copy source instead of the engine's mount path", () => {
    assert.equal(
      explainFailure(
        "failed to compute cache key: failed to calculate checksum of ref n4jn::jtpu: failed to walk " +
          "/var/lib/dk/tmp/buildkit-mount2153408261/does/not: lstat " +
          "/var/lib/dk/tmp/buildkit-mount2153408261/does/not: no such file or directory",
      ).summary,
      "source path /does/not does not exist",
    );
    assert.equal(
      explainFailure(
        "failed to compute cache key: failed to walk /var/lib/docker/overlay2/9ece/merged/does/not: lstat " +
          "/var/lib/docker/overlay2/9ece/merged/does/not: no such file or directory",
      ).summary,
      "source path /does/not does not exist",
    );
    assert.equal(
      explainFailure('failed to calculate checksum of ref abc::def: "/app/missing.txt": not found').summary,
      "source path /app/missing.txt does not exist",
    );
  });

  test("`explainFailure()` recognises images that cannot be found or pulled", () => {
    assert.equal(
      explainFailure("failed to load cache key: localhost:5000/nope:1: not found").summary,
      "image localhost:5000/nope:1 not found",
    );
    assert.equal(
      explainFailure("localhost:5000/nope:1: not found").summary,
      "image localhost:5000/nope:1 not found",
    );
    assert.match(
      explainFailure("pull access denied, repository does not exist or may require authorization").summary,
      /access to the image was denied/,
    );
  });

  test("`explainFailure()` names a secret that was not provided", () => {
    // As Docker 26.1 and Docker 20.10 say it.
    assert.equal(
      explainFailure("secret npm_token: not found").summary,
      'secret "npm_token" was not provided',
    );
    assert.equal(
      explainFailure("secret npm_token not found: not found").summary,
      'secret "npm_token" was not provided',
    );
  });

  test("`explainFailure()` passes other messages through", () => {
    assert.deepEqual(explainFailure("no space left on device"), { summary: "no space left on device" });
  });
});
