import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SourceLocation } from "../core/location.ts";
import type { Secret, SecretSource } from "../dsl/secrets.ts";
import type { SecretUse } from "../llb/uses.ts";
import { MAX_SECRET_BYTES, resolveSecrets, SecretUnavailableError } from "./secret_resolution.ts";

const text = (b?: Uint8Array) => new TextDecoder().decode(b);
const at = (file: string, line: number): SourceLocation => ({ file, line, column: 3 });

/** A use of secret `id` declared in `declaredIn` (for relative files) and used at build.ts:9. */
function use(
  id: string,
  source: SecretSource | undefined,
  optional = false,
  declaredIn = "/app/build.ts",
): [string, SecretUse] {
  const secret: Secret = { kind: "secret", id, source, location: at(declaredIn, 2) };
  return [id, { secret, optional, locations: [at("/app/build.ts", 9)] }];
}

describe("resolveSecrets()", () => {
  test("reads env vars, files relative to the declaring build.ts, strings, bytes and async functions", async () => {
    const dir = mkdtempSync(join(tmpdir(), "drydock-secret-res-"));
    try {
      mkdirSync(join(dir, "sub"));
      writeFileSync(join(dir, "sub", "npmrc"), "from-file");
      const values = await resolveSecrets(
        new Map([
          use("env", { env: "TOKEN" }),
          use("file", { file: "npmrc" }, false, join(dir, "sub", "build.ts")),
          use("str", { value: "s" }),
          use("bytes", { value: new Uint8Array([0, 255]) }),
          use("fn", { value: async () => await Promise.resolve("computed") }),
        ]),
        { env: { TOKEN: "from-env" }, cwd: "/elsewhere" },
      );
      assert.equal(text(values.get("env")), "from-env");
      assert.equal(text(values.get("file")), "from-file");
      assert.equal(text(values.get("str")), "s");
      assert.deepEqual([...values.get("bytes")!], [0, 255]);
      assert.equal(text(values.get("fn")), "computed");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("--secret overrides a build.ts source by id, adds ids, and defaults to env var or file named by the id", async () => {
    const dir = mkdtempSync(join(tmpdir(), "drydock-secret-res-"));
    try {
      writeFileSync(join(dir, "plain"), "file-default");
      const values = await resolveSecrets(new Map([use("tok", { env: "OLD" })]), {
        overrides: [
          { id: "tok", source: { env: "NEW" } },
          { id: "extra", source: { file: "plain" } },
          { id: "ENVNAMED", source: undefined },
          { id: "plain", source: undefined },
        ],
        env: { NEW: "new", ENVNAMED: "env-default" },
        cwd: dir,
      });
      assert.equal(text(values.get("tok")), "new");
      assert.equal(text(values.get("extra")), "file-default");
      assert.equal(text(values.get("ENVNAMED")), "env-default");
      assert.equal(text(values.get("plain")), "file-default");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a required secret that cannot be read names itself and its uses; an optional one is left out", async () => {
    const values = await resolveSecrets(new Map([use("opt", { env: "MISSING" }, true)]), {
      env: {},
      cwd: "/",
    });
    assert.equal(values.has("opt"), false);

    const cases: [SecretSource | undefined, RegExp][] = [
      [{ env: "MISSING" }, /environment variable MISSING is not set/],
      [{ file: "/nonexistent/drydock" }, /cannot read \/nonexistent\/drydock: ENOENT/],
      [undefined, /has no source in build\.ts; give one with --secret id=ID,src=PATH or env=NAME/],
      [
        { value: () => Promise.reject(new Error("vault is down")) },
        /its value function failed: vault is down/,
      ],
    ];
    for (const [source, reason] of cases) {
      await assert.rejects(
        resolveSecrets(new Map([use("req", source)]), { env: {}, cwd: "/" }),
        (err: Error) => {
          assert.ok(err instanceof SecretUnavailableError);
          assert.equal(err.code, "E_SECRET");
          assert.deepEqual(err.location, at("/app/build.ts", 9));
          assert.match(err.message, /^secret "req" \(used at .*build\.ts:9:3\): /);
          assert.match(err.message, reason);
          return true;
        },
      );
    }
  });

  test("a secret over 500 KiB is refused even when optional, without its contents in the message", async () => {
    const big = "x".repeat(MAX_SECRET_BYTES + 1);
    await assert.rejects(
      resolveSecrets(new Map([use("big", { value: big }, true)]), { env: {}, cwd: "/" }),
      (err: Error) => {
        assert.match(err.message, /secret "big" .*is larger than 500 KiB$/);
        assert.equal(err.message.includes("xxxx"), false);
        return true;
      },
    );
  });
});
