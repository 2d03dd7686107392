import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RegistryCredentialStore } from "../session/registry_credentials.ts";
import { BuildError } from "./errors.ts";
import { registryHint, withRegistryHint } from "./registry_hint.ts";

const env = { DOCKER_CONFIG: "/nonexistent-drydock-config" };

describe("registryHint()", () => {
  test("names the origin of refused credentials, or their absence, from each engine's wording", async () => {
    const store = new RegistryCredentialStore({
      env,
      logins: { "localhost:5001": { username: "u", password: "p" } },
    });
    await store.get("localhost:5001");
    const dk26 =
      "failed to load cache key: unexpected status from HEAD request to http://localhost:5001/v2/busybox/manifests/latest: 401 Unauthorized";
    const dk20 =
      "failed to load cache key: pulling from host localhost:5001 failed with status code [manifests latest]: 401 Unauthorized";
    assert.equal(
      registryHint(dk26, store),
      "registry localhost:5001 refused the credentials from the build's registryAuth option",
    );
    assert.equal(
      registryHint(dk20, store),
      "registry localhost:5001 refused the credentials from the build's registryAuth option",
    );
    assert.match(
      registryHint(
        "failed to authorize: failed to fetch anonymous token: https://auth.docker.io/token: 401 Unauthorized",
        store,
      )!,
      /^registry docker\.io refused access and no credentials were found for it: .*docker login docker\.io/,
    );
    assert.equal(
      registryHint('process "/bin/sh -c exit 3" did not complete successfully: exit code: 3', store),
      undefined,
    );
  });

  test("withRegistryHint() keeps the vertex and location of a BuildError and leaves other errors alone", () => {
    const store = new RegistryCredentialStore({ env });
    const loc = { file: "/app/build.ts", line: 3, column: 1 };
    const err = new BuildError("to http://r.io/v2/x: 401 Unauthorized", "sha256:ab", loc);
    const hinted = withRegistryHint(err, store) as BuildError;
    assert.match(hinted.message, /401 Unauthorized\nregistry r\.io refused access/);
    assert.equal(hinted.vertex, "sha256:ab");
    assert.deepEqual(hinted.location, loc);
    const other = new Error("x 401 Unauthorized http://r.io");
    assert.equal(withRegistryHint(other, store), other);
  });

  test("mentions a credential helper that is not installed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "drydock-hint-"));
    try {
      writeFileSync(join(dir, "config.json"), JSON.stringify({ credsStore: "drydock-not-installed" }));
      const store = new RegistryCredentialStore({ env: { DOCKER_CONFIG: dir } });
      await store.get("r.io");
      assert.match(
        registryHint("HEAD http://r.io/v2/x/manifests/1: 401 Unauthorized", store)!,
        /^registry r\.io refused access and no credentials were found for it \(.*config\.json names docker-credential-drydock-not-installed, which is not installed\): /,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
