import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dockerConfigPath, loadDockerConfig, parseDockerConfig } from "./docker_config.ts";

const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("parseDockerConfig()", () => {
  test("reads auths in every form the Docker CLI writes, keyed by canonical host", () => {
    const config = parseDockerConfig(
      JSON.stringify({
        auths: {
          "https://index.docker.io/v1/": { auth: b64("hubuser:hub:pass") },
          "ghcr.io": { username: "gh", password: "tok" },
          "registry.example.com": { auth: b64("ignored:x"), identitytoken: "id-token" },
          "http://localhost:5000": {},
        },
        credsStore: "desktop",
        credHelpers: { "123.dkr.ecr.us-east-1.amazonaws.com": "ecr-login", "https://gcr.io": "gcloud" },
      }),
      "config.json",
    );
    assert.deepEqual(config.auths.get("docker.io"), { username: "hubuser", secret: "hub:pass" });
    assert.deepEqual(config.auths.get("ghcr.io"), { username: "gh", secret: "tok" });
    assert.deepEqual(config.auths.get("registry.example.com"), { username: "", secret: "id-token" });
    assert.equal(config.auths.has("localhost:5000"), false, "an empty entry gives nothing");
    assert.equal(config.credsStore, "desktop");
    assert.equal(config.credHelpers.get("123.dkr.ecr.us-east-1.amazonaws.com"), "ecr-login");
    assert.equal(config.credHelpers.get("gcr.io"), "gcloud");
  });

  test("an empty object has no credentials", () => {
    const config = parseDockerConfig("{}", "x");
    assert.equal(config.auths.size, 0);
    assert.equal(config.credsStore, undefined);
  });

  test("bad JSON and bad auth fields are named without quoting values", () => {
    assert.throws(() => parseDockerConfig("{", "cfg.json"), /cfg\.json is not valid JSON: /);
    assert.throws(() => parseDockerConfig("[]", "cfg.json"), /cfg\.json must hold a JSON object/);
    const secretish = b64("no-colon-s3cr3t");
    assert.throws(
      () => parseDockerConfig(JSON.stringify({ auths: { h: { auth: secretish } } }), "cfg.json"),
      (err: Error) => {
        assert.match(err.message, /cfg\.json: auths\["h"\]\.auth is not base64 of "user:password"/);
        assert.equal(err.message.includes("s3cr3t") || err.message.includes(secretish), false);
        return true;
      },
    );
  });
});

describe("loadDockerConfig()", () => {
  test("DOCKER_CONFIG wins; a missing file is no config", async () => {
    const dir = mkdtempSync(join(tmpdir(), "drydock-dockercfg-"));
    try {
      assert.equal(dockerConfigPath({ DOCKER_CONFIG: dir }), join(dir, "config.json"));
      assert.equal(await loadDockerConfig({ DOCKER_CONFIG: dir }), undefined);
      writeFileSync(join(dir, "config.json"), JSON.stringify({ auths: { "ghcr.io": { auth: b64("u:p") } } }));
      const loaded = await loadDockerConfig({ DOCKER_CONFIG: dir });
      assert.equal(loaded?.path, join(dir, "config.json"));
      assert.deepEqual(loaded?.config.auths.get("ghcr.io"), { username: "u", secret: "p" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
