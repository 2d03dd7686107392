import { after, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeBuildxConfig } from "../../tests/support/buildx_config.ts";
import { makeDockerConfig } from "../../tests/support/docker_config.ts";
import { AddressError } from "./address.ts";
import { discoverEngine, engineCandidates } from "./discover.ts";
import { DockerContextError } from "./docker_context.ts";

const config = makeDockerConfig(
  { remote: "tcp://10.0.0.5:2376", local: "unix:///var/run/other.sock" },
  "remote",
);
after(() => rmSync(config, { recursive: true, force: true }));

test("precedence: --host, then BUILDKIT_HOST, then DOCKER_HOST, then the docker context", () => {
  const env = {
    BUILDKIT_HOST: "tcp://bk:1234",
    DOCKER_HOST: "unix:///d.sock",
    DOCKER_CONFIG: config,
  };
  assert.equal(discoverEngine(env, { host: "unix:///h.sock" }).origin, "--host");
  assert.equal(discoverEngine(env).origin, "BUILDKIT_HOST");
  assert.equal(discoverEngine({ ...env, BUILDKIT_HOST: undefined }).origin, "DOCKER_HOST");
  const fromConfig = discoverEngine({ DOCKER_CONFIG: config });
  assert.equal(fromConfig.engine, "docker");
  assert.equal(fromConfig.text, "tcp://10.0.0.5:2376");
  assert.match(fromConfig.origin, /^docker context "remote" \(currentContext in .*config\.json\)$/);
});

test("DOCKER_CONTEXT wins over config.json; `default` means the default socket", () => {
  assert.equal(
    discoverEngine({ DOCKER_CONFIG: config, DOCKER_CONTEXT: "local" }).text,
    "unix:///var/run/other.sock",
  );
  assert.deepEqual(
    engineCandidates({ DOCKER_CONFIG: config, DOCKER_CONTEXT: "default" }).map((a) => a.origin),
    ["the default Docker socket", "the default buildkitd socket"],
  );
});

test("an explicit context (--builder NAME) wins over the environment", () => {
  const a = discoverEngine({ BUILDKIT_HOST: "tcp://bk:1234", DOCKER_CONFIG: config }, { builder: "local" });
  assert.equal(a.text, "unix:///var/run/other.sock");
  assert.equal(a.origin, 'docker context "local" (--builder)');
});

test("a missing context is an error naming it and where it came from", () => {
  assert.throws(
    () => discoverEngine({ DOCKER_CONFIG: config }, { builder: "nope" }),
    (err: unknown) =>
      err instanceof DockerContextError && /"nope" \(--builder\) does not exist/.test(err.message),
  );
  assert.throws(
    () => discoverEngine({ DOCKER_CONFIG: config, DOCKER_CONTEXT: "gone" }),
    /docker context "gone" \(DOCKER_CONTEXT\) does not exist/,
  );
});

test("no config.json: the default sockets", () => {
  assert.equal(
    discoverEngine({ DOCKER_CONFIG: join(config, "missing") }).origin,
    "the default Docker socket",
  );
});

test("a context's TLS files come with it", () => {
  const tlsDir = join(
    config,
    "contexts",
    "tls",
    createHash("sha256").update("remote").digest("hex"),
    "docker",
  );
  mkdirSync(tlsDir, { recursive: true });
  writeFileSync(join(tlsDir, "ca.pem"), "CA");
  writeFileSync(join(tlsDir, "cert.pem"), "CERT");
  writeFileSync(join(tlsDir, "key.pem"), "KEY");
  const tls = discoverEngine({ DOCKER_CONFIG: config }).tls!;
  assert.deepEqual(
    [tls.ca, tls.cert, tls.key].map((b) => new TextDecoder().decode(b)),
    ["CA", "CERT", "KEY"],
  );
});

test("TLS options apply to tcp engines only", () => {
  const tls = { ca: new Uint8Array([1]) };
  assert.deepEqual(discoverEngine({}, { host: "tcp://bk:1234", tls }).tls, tls);
  assert.throws(() => discoverEngine({}, { host: "unix:///x.sock", tls }), AddressError);
});

test("a bare host string still works as the selection", () => {
  assert.equal(engineCandidates({}, "docker+unix:///d.sock")[0].engine, "docker");
});

test("--builder NAME: a buildx builder comes before a docker context of that name", () => {
  const certs = makeDockerConfig({});
  writeFileSync(join(certs, "ca.pem"), "BKCA");
  const buildx = makeBuildxConfig({
    remote: {
      driver: "remote",
      endpoint: "tcp://10.0.0.7:1234",
      driverOpts: { cacert: join(certs, "ca.pem"), servername: "bk.internal" },
    },
    viaContext: { driver: "docker", endpoint: "local" },
    viaHost: { driver: "docker", endpoint: "unix:///var/run/d2.sock" },
    container: { driver: "docker-container", endpoint: "unix:///var/run/docker.sock" },
  });
  try {
    const env = { DOCKER_CONFIG: config, BUILDX_CONFIG: buildx };
    const remote = discoverEngine(env, { builder: "remote" });
    assert.equal(remote.engine, "buildkitd");
    assert.equal(remote.text, "tcp://10.0.0.7:1234");
    assert.equal(remote.origin, 'buildx builder "remote" (--builder)');
    assert.equal(new TextDecoder().decode(remote.tls!.ca), "BKCA");
    assert.equal(remote.tls!.serverName, "bk.internal");
    assert.equal(discoverEngine(env, { builder: "viaContext" }).text, "unix:///var/run/other.sock");
    assert.equal(discoverEngine(env, { builder: "viaHost" }).text, "unix:///var/run/d2.sock");
    assert.equal(discoverEngine(env, { builder: "local" }).origin, 'docker context "local" (--builder)');
    assert.throws(() => discoverEngine(env, { builder: "container" }), /docker-container driver/);
  } finally {
    rmSync(buildx, { recursive: true, force: true });
    rmSync(certs, { recursive: true, force: true });
  }
});

test("DOCKER_HOST with DOCKER_TLS_VERIFY reads DOCKER_CERT_PATH's files", () => {
  const certs = makeDockerConfig({});
  for (const f of ["ca.pem", "cert.pem", "key.pem"]) writeFileSync(join(certs, f), f);
  try {
    const a = discoverEngine({
      DOCKER_HOST: "tcp://d:2376",
      DOCKER_TLS_VERIFY: "1",
      DOCKER_CERT_PATH: certs,
    });
    assert.deepEqual([a.tls!.ca, a.tls!.cert, a.tls!.key].map((b) => new TextDecoder().decode(b)), [
      "ca.pem",
      "cert.pem",
      "key.pem",
    ]);
    assert.equal(discoverEngine({ DOCKER_HOST: "tcp://d:2375", DOCKER_CERT_PATH: undefined }).tls, undefined);
  } finally {
    rmSync(certs, { recursive: true, force: true });
  }
});
