// Secrets end to end on real engines: from env, a file, code and --secret-style overrides, and
// nowhere else: not in the LLB, the progress stream, error output or exporter metadata.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildTargets, image, secret, SecretUnavailableError } from "../../mod.ts";
import { marshal } from "../../src/llb/marshal.ts";
import { Definition } from "../../src/proto/pb.gen.ts";
import type { StatusResponse } from "../../src/proto/moby_buildkit_v1.gen.ts";
import { dk20, dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { runBuildFile } from "../support/runtime.ts";

const FIXTURE = fileURLToPath(new URL("../fixtures/secrets/build.ts", import.meta.url));

const sha256 = (v: string | Uint8Array) => createHash("sha256").update(v).digest("hex");
const randomSecret = (label: string) => `${label}-${randomBytes(12).toString("hex")}`;

/** Fails when any of `values` occurs in `haystack` (text or bytes). */
function assertNoSecrets(where: string, haystack: string | Uint8Array, values: readonly string[]): void {
  const bytes = typeof haystack === "string" ? Buffer.from(haystack) : Buffer.from(haystack);
  for (const v of values) {
    assert.equal(bytes.indexOf(Buffer.from(v)), -1, `a secret value appears in ${where}`);
  }
}

/** JSON with bytes decoded as text and 64-bit numbers as strings. */
const asText = (v: unknown) =>
  JSON.stringify(
    v,
    (_k, x) =>
      x instanceof Uint8Array ? Buffer.from(x).toString("utf8") : typeof x === "bigint" ? String(x) : x,
  );

/** Every status update as text, log bytes decoded. */
const statusText = (statuses: readonly StatusResponse[]) => statuses.map(asText).join("\n");

function programOn(engine: TestEngine | undefined, label: string) {
  test(`a build.ts with env, file, code and override secrets, run as a program (${label})`, {
    skip: skipWithout(engine, label),
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "drydock-secrets-"));
    try {
      const token = randomSecret("token"), fileValue = randomSecret("file"), cliValue = randomSecret("cli");
      const secretFile = join(dir, "secret.txt");
      writeFileSync(secretFile, fileValue, { mode: 0o600 });
      const env = {
        DOCKER_HOST: `unix://${engine!.socket}`,
        BUILDKIT_HOST: undefined,
        DRYDOCK_TEST_NONCE: unique("nonce"),
        DRYDOCK_TEST_TOKEN: token,
        DRYDOCK_TEST_SECRET_FILE: secretFile,
        DRYDOCK_TEST_CLI: cliValue,
        DRYDOCK_TEST_OUT: join(dir, "out"),
      };
      const values = [token, fileValue, cliValue, `${token}-computed`];

      const ok = await runBuildFile(FIXTURE, ["hashes", "--secret", "id=from_cli,env=DRYDOCK_TEST_CLI"], env);
      assert.equal(ok.code, 0, `exit ${ok.code}\n${ok.stderr}`);
      const read = (f: string) => readFileSync(join(dir, "out", "out", f), "utf8").trim();
      assert.equal(read("token.sha"), sha256(token), "the env secret reached the step as $TOKEN");
      assert.equal(read("file.sha"), sha256(fileValue), "the file secret was mounted");
      assert.equal(read("computed.sha"), sha256(`${token}-computed`), "the async value function was used");
      assert.equal(read("cli.sha"), sha256(cliValue), "--secret on the command line supplied from_cli");
      assert.match(ok.stderr, /hashed/, "the step's own output is shown");
      assertNoSecrets("progress output", ok.stdout + ok.stderr, values);

      // from_cli has no source in build.ts: without --secret the build stops before solving, naming it.
      const missing = await runBuildFile(FIXTURE, ["hashes"], env);
      assert.notEqual(missing.code, 0);
      assert.match(
        missing.stderr,
        /secret "from_cli" \(used at .*build\.ts:\d+:\d+\): has no source in build\.ts/,
      );

      const failed = await runBuildFile(FIXTURE, ["failing"], env);
      assert.notEqual(failed.code, 0);
      assert.match(failed.stderr, /failing on purpose/);
      assertNoSecrets("error output", failed.stdout + failed.stderr, values);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

function libraryOn(engine: TestEngine | undefined, label: string, withEnvSecret: boolean) {
  test(`secret values reach the step and no LLB, status or exporter response holds them (${label})`, {
    skip: skipWithout(engine, label),
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "drydock-secrets-"));
    try {
      const text = randomSecret("value");
      const binary = new Uint8Array([0, 255, 1, 254, ...randomBytes(16)]);
      const fromText = secret("text", { value: text });
      const fromBytes = secret("bytes", { value: () => binary });
      const script = `echo ${unique("nonce")}; mkdir /out; ` +
        "sha256sum < /run/secrets/text | cut -d' ' -f1 > /out/text.sha; " +
        "sha256sum < /run/secrets/bytes | cut -d' ' -f1 > /out/bytes.sha; " +
        (withEnvSecret ? 'printf %s "$TEXT" | sha256sum | cut -d" " -f1 > /out/env.sha; ' : "") +
        "ls -l /run/secrets/";
      const state = image("busybox:latest").run(script, {
        mounts: { "/run/secrets/text": fromText, "/run/secrets/bytes": fromBytes },
        ...(withEnvSecret ? { secrets: { TEXT: fromText } } : {}),
      });

      const llb = marshal(state);
      assert.ok(llb.definition);
      assertNoSecrets("the LLB definition", Definition.toBinary(llb.definition), [text]);
      assert.equal(Buffer.from(Definition.toBinary(llb.definition)).indexOf(Buffer.from(binary)), -1);

      const statuses: StatusResponse[] = [];
      const name = unique("drydock-secrets");
      const results = await buildTargets({
        files: { state, output: { type: "local", dest: dir } },
        ...(engine!.containerdStore ? { img: { state, image: `${name}:latest` } } : {}),
      }, { host: engine!.host, onStatus: (_t, s) => statuses.push(s) });

      const read = (f: string) => readFileSync(join(dir, "out", f), "utf8").trim();
      assert.equal(read("text.sha"), sha256(text));
      assert.equal(read("bytes.sha"), sha256(binary));
      if (withEnvSecret) assert.equal(read("env.sha"), sha256(text));
      assert.match(statusText(statuses), /text/, "the step's ls output is in the status stream");
      assertNoSecrets("the status stream", statusText(statuses), [text]);
      assertNoSecrets("the exporter responses", asText(results), [text]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

function missingOn(engine: TestEngine | undefined, label: string) {
  test(`a required secret that is missing fails before the solve, naming it and the line (${label})`, {
    skip: skipWithout(engine, label),
  }, async () => {
    const variable = unique("DRYDOCK_UNSET").replace(/-/g, "_").toUpperCase();
    const statuses: StatusResponse[] = [];
    const state = image("busybox:latest").run("cat /run/secrets/npm", {
      mounts: { "/run/secrets/npm": secret("npm", { env: variable }) }, // line checked below
    });
    const line = Number(new Error().stack!.match(/secrets_test\.ts:(\d+)/)![1]) - 3;
    await assert.rejects(
      buildTargets({ s: state }, { host: engine!.host, onStatus: (_t, s) => statuses.push(s) }),
      (err: Error) => {
        assert.ok(err instanceof SecretUnavailableError, String(err));
        assert.match(
          err.message,
          new RegExp(`^secret "npm" \\(used at .*secrets_test\\.ts:${line}:\\d+\\): `),
        );
        assert.match(err.message, new RegExp(`environment variable ${variable} is not set`));
        return true;
      },
    );
    assert.equal(statuses.length, 0, "nothing reached the engine");

    // Optional everywhere: the build runs without it.
    const optional = image("busybox:latest").run(
      `echo ${unique("nonce")}; test ! -e /run/secrets/npm`,
      { mounts: { "/run/secrets/npm": { secret: secret("npm", { env: variable }), optional: true } } },
    );
    await buildTargets({ s: optional }, { host: engine!.host });
  });
}

function envOptionOn(engine: TestEngine | undefined, label: string) {
  test(`an { env } secret is read from buildTargets()'s env option, not the process's (${label})`, {
    skip: skipWithout(engine, label),
  }, async () => {
    const variable = unique("DRYDOCK_ONLY_IN_OPTION").replace(/-/g, "_").toUpperCase();
    const value = randomSecret("option-env");
    const dir = mkdtempSync(join(tmpdir(), "drydock-secret-env-option-"));
    try {
      const state = image("busybox:latest").run(
        // A secret is not part of the cache key: the nonce keeps an earlier run's step from answering.
        `echo ${
          unique("nonce")
        }; mkdir -p /out && sha256sum < /run/secrets/tok | cut -d' ' -f1 > /out/tok.sha`,
        { mounts: { "/run/secrets/tok": secret("tok", { env: variable }) } },
      );
      await buildTargets({ s: { state, output: { type: "local", dest: dir } } }, {
        host: engine!.host,
        env: { [variable]: value },
      });
      assert.equal(readFileSync(join(dir, "out", "tok.sha"), "utf8").trim(), sha256(value));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

function secretEnvRefusedOn(engine: TestEngine | undefined, label: string) {
  test(`a secret as an env var needs exec.secretenv, which BuildKit 0.8 lacks: a clear error (${label})`, {
    skip: skipWithout(engine, label),
  }, async () => {
    const value = randomSecret("env");
    const state = image("busybox:latest").run("true", { secrets: { TOKEN: secret("tok", { value }) } });
    await assert.rejects(buildTargets({ s: state }, { host: engine!.host }), (err: Error) => {
      assert.match(
        err.message,
        /a secret as an environment variable \(at .*secrets_test\.ts:\d+:\d+\) needs the engine capability "exec\.secretenv"/,
      );
      assertNoSecrets("the error", err.message, [value]);
      return true;
    });
  });
}

describe("secrets", () => {
  programOn(dk26c, "Docker 26.1, containerd store");
  programOn(dk28, "Docker 28.5, containerd store");
  libraryOn(dk26c, "Docker 26.1, containerd store", true);
  libraryOn(dk28, "Docker 28.5, containerd store", true);
  libraryOn(dk20, "Docker 20.10 (file mounts)", false);
  missingOn(dk26c, "Docker 26.1, containerd store");
  missingOn(dk28, "Docker 28.5, containerd store");
  envOptionOn(dk26c, "Docker 26.1, containerd store");
  missingOn(dk20, "Docker 20.10");
  secretEnvRefusedOn(dk20, "Docker 20.10");
});
