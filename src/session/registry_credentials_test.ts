import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HelperCredentials } from "./credential_helper.ts";
import { RegistryCredentialStore } from "./registry_credentials.ts";

const b64 = (s: string) => Buffer.from(s).toString("base64");

/** A DOCKER_CONFIG directory holding `config`, and a fake helper recording its calls. */
function setup(config: unknown, helperAnswers: Record<string, HelperCredentials | undefined> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "drydock-creds-"));
  writeFileSync(join(dir, "config.json"), JSON.stringify(config));
  const calls: string[] = [];
  const runHelper = (helper: string, server: string) => {
    calls.push(`${helper} ${server}`);
    return Promise.resolve(helperAnswers[server]);
  };
  return { dir, calls, runHelper, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

describe("RegistryCredentialStore", () => {
  test("code logins win over DOCKER_AUTH_CONFIG, which wins over the config file", async () => {
    const s = setup({
      auths: {
        "a.io": { auth: b64("file:a") },
        "b.io": { auth: b64("file:b") },
        "c.io": { auth: b64("file:c") },
      },
    });
    try {
      const store = new RegistryCredentialStore({
        env: {
          DOCKER_CONFIG: s.dir,
          DOCKER_AUTH_CONFIG: JSON.stringify({
            auths: { "a.io": { auth: b64("env:a") }, "b.io": { auth: b64("env:b") } },
          }),
        },
        logins: { "https://a.io/v2/": { username: "code", password: "a" } },
        runHelper: s.runHelper,
      });
      assert.deepEqual(await store.get("a.io"), {
        username: "code",
        secret: "a",
        origin: "the build's registryAuth option",
      });
      assert.deepEqual(await store.get("b.io"), {
        username: "env",
        secret: "b",
        origin: "DOCKER_AUTH_CONFIG",
      });
      assert.deepEqual(await store.get("c.io"), {
        username: "file",
        secret: "c",
        origin: join(s.dir, "config.json"),
      });
      assert.equal(await store.get("d.io"), undefined, "anonymous");
      assert.deepEqual([...store.served().keys()].sort(), ["a.io", "b.io", "c.io"]);
    } finally {
      s.cleanup();
    }
  });

  test("Docker Hub: the engine's registry-1.docker.io finds the CLI's https://index.docker.io/v1/ entry", async () => {
    const s = setup({ auths: { "https://index.docker.io/v1/": { auth: b64("hub:pw") } } });
    try {
      const store = new RegistryCredentialStore({ env: { DOCKER_CONFIG: s.dir }, runHelper: s.runHelper });
      assert.equal((await store.get("registry-1.docker.io"))?.username, "hub");
    } finally {
      s.cleanup();
    }
  });

  test("credHelpers beat credsStore; helpers get the CLI's server address; <token> means an identity token", async () => {
    const s = setup(
      {
        credsStore: "store",
        credHelpers: { "ghcr.io": "gh" },
        auths: { "plain.io": { auth: b64("file:p") } },
      },
      {
        "ghcr.io": { username: "<token>", secret: "identity" },
        "https://index.docker.io/v1/": { username: "hub", secret: "pw" },
      },
    );
    try {
      const store = new RegistryCredentialStore({ env: { DOCKER_CONFIG: s.dir }, runHelper: s.runHelper });
      const gh = await store.get("ghcr.io");
      assert.deepEqual({ ...gh }, {
        username: "",
        secret: "identity",
        origin: `${join(s.dir, "config.json")} (docker-credential-gh)`,
      });
      assert.equal((await store.get("registry-1.docker.io"))?.username, "hub");
      // The store has nothing for plain.io: the file's own entry is used.
      assert.equal((await store.get("plain.io"))?.username, "file");
      await store.get("ghcr.io");
      assert.deepEqual(
        s.calls,
        ["gh ghcr.io", "store https://index.docker.io/v1/", "store plain.io"],
        "asked once per host",
      );
    } finally {
      s.cleanup();
    }
  });

  test("a credential helper that is not installed is a problem noted for hints, not a failure", async () => {
    const s = setup({ credsStore: "drydock-not-installed", auths: { "file.io": { auth: b64("f:p") } } });
    try {
      const store = new RegistryCredentialStore({ env: { DOCKER_CONFIG: s.dir } });
      assert.equal(await store.get("public.io"), undefined, "anonymous, as for a public image");
      assert.equal((await store.get("file.io"))?.username, "f", "the file's own entry still counts");
      assert.equal(
        store.problems().get("public.io"),
        `${join(s.dir, "config.json")} names docker-credential-drydock-not-installed, which is not installed`,
      );
    } finally {
      s.cleanup();
    }
  });

  test("a helper that fails for another reason fails the lookup", async () => {
    const s = setup({ credsStore: "broken" });
    try {
      const store = new RegistryCredentialStore({
        env: { DOCKER_CONFIG: s.dir },
        runHelper: () =>
          Promise.reject(Object.assign(new Error("keychain locked"), { code: "E_REGISTRY_AUTH" })),
      });
      await assert.rejects(store.get("x.io"), /keychain locked/);
    } finally {
      s.cleanup();
    }
  });
});
