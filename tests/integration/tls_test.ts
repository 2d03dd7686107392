// A remote buildkitd over tcp:// with mutual TLS: a TLS front (certificates made
// with openssl now) before the buildkitd stand-in, reached with the CLI's TLS flags.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeBuildxConfig } from "../support/buildx_config.ts";
import { makePki, type TestPki } from "../support/certs.ts";
import { dk26c, skipWithout, unique } from "../support/engines.ts";
import { runBuildFile } from "../support/runtime.ts";
import { type StandIn, startStandIn } from "../support/standin.ts";
import { startTlsFront, type TlsFront } from "../support/tls_front.ts";

const BUILD = fileURLToPath(new URL("../fixtures/cli/cli_build.ts", import.meta.url));
const SERVER_NAME = "buildkitd.drydock.test";

describe("buildkitd over tcp with mutual TLS (Docker 26.1 behind a stand-in)", {
  skip: skipWithout(dk26c, "Docker 26.1 (containerd store)"),
}, () => {
  let work: string, good: TestPki, other: TestPki, standIn: StandIn, front: TlsFront;
  before(async () => {
    work = mkdtempSync(join(tmpdir(), "drydock-tls-"));
    good = makePki(work, "good", SERVER_NAME);
    other = makePki(work, "other", SERVER_NAME);
    standIn = await startStandIn(dk26c!.socket);
    front = await startTlsFront(standIn.address, {
      cert: good.serverCert,
      key: good.serverKey,
      clientCa: good.ca,
    });
  });
  after(async () => {
    await front?.close();
    await standIn?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const env = { BUILDKIT_HOST: undefined, DOCKER_HOST: undefined, DOCKER_CONFIG: "/nonexistent" };
  const tlsArgs = (pki: TestPki, serverName = SERVER_NAME) => [
    "--host",
    front.address,
    "--tlscacert",
    good.ca,
    "--tlscert",
    pki.clientCert,
    "--tlskey",
    pki.clientKey,
    "--tls-server-name",
    serverName,
  ];

  test("the right client certificate builds", async () => {
    const out = join(work, unique("out"));
    const r = await runBuildFile(BUILD, ["ok", "--out", out, "--progress=quiet", ...tlsArgs(good)], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(out, "ok/ok.txt"), "utf8"), "ok\n");
    assert.ok(front.accepted() >= 1, "the build went through the TLS front");
  });

  test("a client certificate from another CA fails clearly", async () => {
    const refusedBefore = front.refused();
    const r = await runBuildFile(BUILD, ["ok", "--progress=quiet", ...tlsArgs(other)], env);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /^error: Cannot reach a BuildKit engine\. Tried tcp:\/\/127\.0\.0\.1:\d+ \(--host: .+\)/,
    );
    // Deno and Bun see TLS 1.3's late refusal as a close; either way the message says what to check.
    assert.match(r.stderr, /did not accept the client certificate|unknown ca/i);
    assert.ok(front.refused() > refusedBefore, "the server refused the handshake");
  });

  test("a server name the certificate does not have fails clearly", async () => {
    const r = await runBuildFile(BUILD, ["ok", "--progress=quiet", ...tlsArgs(good, "wrong.name")], env);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /wrong\.name/);
  });

  test("--builder NAME: a buildx remote builder with TLS driver options", async () => {
    const buildx = makeBuildxConfig({
      "drydock-mtls": {
        driver: "remote",
        endpoint: front.address,
        driverOpts: { cacert: good.ca, cert: good.clientCert, key: good.clientKey, servername: SERVER_NAME },
      },
    });
    try {
      const out = join(work, unique("out"));
      const r = await runBuildFile(BUILD, [
        "ok",
        "--builder",
        "drydock-mtls",
        "--out",
        out,
        "--progress=quiet",
      ], {
        ...env,
        BUILDX_CONFIG: buildx,
      });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(readFileSync(join(out, "ok/ok.txt"), "utf8"), "ok\n");
    } finally {
      rmSync(buildx, { recursive: true, force: true });
    }
  });

  test("an unreadable certificate file is a usage error", async () => {
    const r = await runBuildFile(BUILD, [
      "ok",
      "--host",
      front.address,
      "--tlscacert",
      join(work, "missing.pem"),
    ], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: --tlscacert .*missing\.pem: cannot read it \(no such file\)/);
  });
});
