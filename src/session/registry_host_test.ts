import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { canonicalRegistryHost, credentialServerAddress, DOCKER_HUB_SERVER } from "./registry_host.ts";

describe("canonicalRegistryHost()", () => {
  const cases: [string, string][] = [
    ["https://index.docker.io/v1/", "docker.io"],
    ["registry-1.docker.io", "docker.io"],
    ["index.docker.io", "docker.io"],
    ["docker.io", "docker.io"],
    ["http://localhost:5000", "localhost:5000"],
    ["localhost:5000/v2/", "localhost:5000"],
    ["GHCR.io", "ghcr.io"],
    [" https://registry.example.com:8443/path ", "registry.example.com:8443"],
  ];
  for (const [input, want] of cases) {
    test(`${input} → ${want}`, () => assert.equal(canonicalRegistryHost(input), want));
  }
});

describe("credentialServerAddress()", () => {
  test("Docker Hub is asked as the CLI stores it; others by host", () => {
    assert.equal(credentialServerAddress("registry-1.docker.io"), DOCKER_HUB_SERVER);
    assert.equal(credentialServerAddress("localhost:5001"), "localhost:5001");
  });
});
