// Registry auth on real engines: pulling from the htpasswd registry with credentials from code,
// DOCKER_CONFIG (auths and credential helpers) and DOCKER_AUTH_CONFIG, and clear failures.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { BuildError, buildTargets, image } from "../../mod.ts";
import { authRegistry, freshBusyboxTag } from "../support/auth_registry.ts";
import { dk20, dk26, dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { runBuildFile } from "../support/runtime.ts";

const FIXTURE = fileURLToPath(new URL("../fixtures/registry_auth/build.ts", import.meta.url));
const skip = (engine: TestEngine | undefined, label: string) =>
  skipWithout(engine, label) || (authRegistry ? false : "DRYDOCK_AUTH_REGISTRY is not configured");

function inCodeOn(engine: TestEngine | undefined, label: string) {
  test(
    `credentials given in code pull from the auth registry; wrong ones fail naming their origin (${label})`,
    {
      skip: skip(engine, label),
    },
    async () => {
      const reg = authRegistry!;
      const ref = await freshBusyboxTag(reg);
      const state = image(ref).run(`echo ${unique("nonce")}`);
      const wrong = `wrong-${randomBytes(8).toString("hex")}`;

      await assert.rejects(
        buildTargets({ s: state }, {
          host: engine!.host,
          registryAuth: { [reg.host]: { username: reg.username, password: wrong } },
        }),
        (err: Error) => {
          assert.ok(err instanceof BuildError, String(err));
          assert.match(err.message, /401 Unauthorized/);
          assert.match(
            err.message,
            new RegExp(`registry ${reg.host} refused the credentials from the build's registryAuth option`),
          );
          assert.equal(err.message.includes(wrong), false, "the password is not in the error");
          return true;
        },
      );

      await buildTargets({ s: state }, {
        host: engine!.host,
        registryAuth: { [reg.host]: { username: reg.username, password: reg.password } },
      });
    },
  );
}

interface ProgramSetup {
  /** Extra environment for the build program. */
  env: Record<string, string | undefined>;
  dir: string;
}

async function runPull(engine: TestEngine, setup: ProgramSetup) {
  const ref = await freshBusyboxTag(authRegistry!);
  return runBuildFile(FIXTURE, [], {
    DOCKER_HOST: `unix://${engine.socket}`,
    BUILDKIT_HOST: undefined,
    DOCKER_AUTH_CONFIG: undefined,
    DRYDOCK_TEST_IMAGE: ref,
    DRYDOCK_TEST_NONCE: unique("nonce"),
    ...setup.env,
  });
}

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "drydock-auth-"));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

function dockerConfigOn(engine: TestEngine | undefined, label: string) {
  const reg = authRegistry;
  test(
    `DOCKER_CONFIG auths (base64 user:password) (${label})`,
    { skip: skip(engine, label) },
    withDir(async (dir) => {
      const auth = Buffer.from(`${reg!.username}:${reg!.password}`).toString("base64");
      writeFileSync(
        join(dir, "config.json"),
        JSON.stringify({ auths: { [`http://${reg!.host}`]: { auth } } }),
      );
      const r = await runPull(engine!, { dir, env: { DOCKER_CONFIG: dir } });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /pulled/);
    }),
  );

  test(
    `DOCKER_CONFIG credHelpers run docker-credential-* with the host (${label})`,
    {
      skip: skip(engine, label),
    },
    withDir(async (dir) => {
      const bin = join(dir, "bin");
      mkdirSync(bin);
      const log = join(dir, "helper.log");
      // A helper that knows one host, like docker-credential-pass would.
      writeFileSync(
        join(bin, "docker-credential-drydocktest"),
        `#!/bin/sh
read -r host || true
echo "$1 $host" >> "${log}"
if [ "$1" = get ] && [ "$host" = "${reg!.host}" ]; then
  printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}' "$host" "${reg!.username}" "${reg!.password}"
else
  echo "credentials not found in native keychain"; exit 1
fi
`,
      );
      chmodSync(join(bin, "docker-credential-drydocktest"), 0o755);
      writeFileSync(
        join(dir, "config.json"),
        JSON.stringify({ credHelpers: { [reg!.host]: "drydocktest" } }),
      );
      const r = await runPull(engine!, {
        dir,
        env: { DOCKER_CONFIG: dir, PATH: `${bin}:${process.env.PATH}` },
      });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(readFileSync(log, "utf8"), `get ${reg!.host}\n`, "asked once, for the registry's host");
    }),
  );

  test(
    `DOCKER_AUTH_CONFIG in the environment (${label})`,
    { skip: skip(engine, label) },
    withDir(async (dir) => {
      const r = await runPull(engine!, {
        dir,
        env: {
          DOCKER_CONFIG: dir, // empty: the credentials can only come from the variable
          DOCKER_AUTH_CONFIG: JSON.stringify({
            auths: { [reg!.host]: { username: reg!.username, password: reg!.password } },
          }),
        },
      });
      assert.equal(r.code, 0, r.stderr);
    }),
  );

  test(
    `no credentials anywhere: the pull fails with a hint (${label})`,
    { skip: skip(engine, label) },
    withDir(async (dir) => {
      const r = await runPull(engine!, { dir, env: { DOCKER_CONFIG: dir } });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /401 Unauthorized/);
      assert.match(
        r.stderr,
        new RegExp(`registry ${reg!.host} refused access and no credentials were found for it`),
      );
    }),
  );
}

function wrongPushOn(engine: TestEngine | undefined, label: string) {
  test(`a push with wrong credentials fails naming their origin, never the password (${label})`, {
    skip: skip(engine, label),
  }, async () => {
    const reg = authRegistry!;
    const wrong = `wrong-${randomBytes(8).toString("hex")}`;
    const name = `${reg.host}/${unique("drydock-wrongpush")}:v1`;
    const state = image("busybox:latest").run(`echo ${unique("nonce")} > /id`);
    await assert.rejects(
      buildTargets({ app: { state, output: { type: "image", name, push: true } } }, {
        host: engine!.host,
        registryAuth: { [reg.host]: { username: reg.username, password: wrong } },
      }),
      (err: Error) => {
        // Docker 20.10 words a 401 on push as "no basic auth credentials".
        assert.match(err.message, /401 Unauthorized|unauthorized|no basic auth credentials/i);
        assert.match(
          err.message,
          new RegExp(`registry ${reg.host} refused the credentials from the build's registryAuth option`),
        );
        assert.equal(err.message.includes(wrong), false, "the password is not in the error");
        return true;
      },
    );
  });
}

describe("registry auth", () => {
  inCodeOn(dk26c, "Docker 26.1, containerd store");
  inCodeOn(dk28, "Docker 28.5, containerd store");
  inCodeOn(dk26, "Docker 26.1, overlay2");
  inCodeOn(dk20, "Docker 20.10");
  dockerConfigOn(dk26c, "Docker 26.1, containerd store");
  dockerConfigOn(dk28, "Docker 28.5, containerd store");
  dockerConfigOn(dk20, "Docker 20.10");
  wrongPushOn(dk26c, "Docker 26.1, containerd store");
  wrongPushOn(dk28, "Docker 28.5, containerd store");
  wrongPushOn(dk20, "Docker 20.10");
});
