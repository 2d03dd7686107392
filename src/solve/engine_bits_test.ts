// Small pure pieces of the solve layer: engine kinds, attestation attrs, the
// X-Registry-Auth header and the Engine API response parser.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { featuresFrom } from "./engine_features.ts";
import { frontendAttrs } from "./attestations.ts";
import { registryAuthHeader } from "./engine_push.ts";
import { parseResponse } from "../transport/docker_api.ts";

describe("featuresFrom()", () => {
  test("tells Docker's image stores apart by the snapshotter label", () => {
    assert.deepEqual(
      featuresFrom("docker", { "org.mobyproject.buildkit.worker.snapshotter": "overlayfs" }, true),
      {
        kind: "docker-containerd",
        multipleExporters: true,
      },
    );
    assert.deepEqual(featuresFrom("docker", {}, true), {
      kind: "docker-graphdriver",
      multipleExporters: true,
    });
    assert.deepEqual(featuresFrom("docker", {}, false), {
      kind: "docker-graphdriver",
      multipleExporters: false,
    });
    assert.equal(
      featuresFrom("buildkitd", { "org.mobyproject.buildkit.worker.executor": "oci" }, true).kind,
      "buildkitd",
    );
    // Docker reached through BUILDKIT_HOST (a tunnel to its /grpc endpoint) is still Docker.
    assert.equal(
      featuresFrom(
        "buildkitd",
        { "org.mobyproject.buildkit.worker.moby.host-gateway-ip": "172.17.0.1" },
        true,
      ).kind,
      "docker-graphdriver",
    );
  });
});

describe("frontendAttrs()", () => {
  test("provenance, sbom and the epoch", () => {
    assert.deepEqual(frontendAttrs({ provenance: {}, sbom: true }, undefined), {
      "attest:provenance": "mode=min",
      "attest:sbom": "",
    });
    assert.deepEqual(frontendAttrs({ provenance: false, sbom: { generator: "r/scanner:1" } }, 7), {
      "attest:sbom": "generator=r/scanner:1",
      "build-arg:SOURCE_DATE_EPOCH": "7",
    });
    assert.deepEqual(frontendAttrs(undefined, undefined), {});
  });
});

describe("registryAuthHeader()", () => {
  test("base64url of Docker's AuthConfig; {} when anonymous", () => {
    const header = registryAuthHeader("localhost:5001", { username: "u", secret: "p+/?" });
    assert.deepEqual(JSON.parse(Buffer.from(header, "base64url").toString()), {
      username: "u",
      password: "p+/?",
      serveraddress: "localhost:5001",
    });
    assert.equal(Buffer.from(registryAuthHeader("x", undefined), "base64url").toString(), "{}");
    const token = registryAuthHeader("r", { username: "", secret: "tok" });
    assert.deepEqual(JSON.parse(Buffer.from(token, "base64url").toString()), {
      identitytoken: "tok",
      serveraddress: "r",
    });
  });
});

describe("parseResponse()", () => {
  test("identity and chunked bodies", () => {
    assert.deepEqual(parseResponse(Buffer.from("HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno")), {
      status: 404,
      body: "no",
    });
    const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{"a"\r\n3\r\n:1}\r\n0\r\n\r\n';
    assert.deepEqual(parseResponse(Buffer.from(chunked)), { status: 200, body: '{"a":1}' });
    assert.throws(() => parseResponse(Buffer.from("HTTP/1.1 200")), /closed the connection/);
  });
});
