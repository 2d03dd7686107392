import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { runCredentialHelper } from "./credential_helper.ts";

/** Puts docker-credential-NAME scripts on PATH while `fn` runs. */
async function withHelpers(scripts: Record<string, string>, fn: () => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "drydock-helpers-"));
  const path = process.env.PATH;
  try {
    for (const [name, body] of Object.entries(scripts)) {
      const file = join(dir, `docker-credential-${name}`);
      writeFileSync(file, `#!/bin/sh\n${body}\n`);
      chmodSync(file, 0o755);
    }
    process.env.PATH = `${dir}:${path}`;
    await fn();
  } finally {
    process.env.PATH = path;
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("runCredentialHelper()", () => {
  test("sends the server on stdin to `get` and reads Username/Secret", () =>
    withHelpers({
      ok:
        `read -r host || true; [ "$1" = get ] || exit 9; printf '{"ServerURL":"%s","Username":"u-%s","Secret":"s"}' "$host" "$host"`,
    }, async () => {
      assert.deepEqual(await runCredentialHelper("ok", "ghcr.io"), { username: "u-ghcr.io", secret: "s" });
    }));

  test("'credentials not found' is no credentials, not an error", () =>
    withHelpers({ none: 'echo "credentials not found in native keychain"; exit 1' }, async () => {
      assert.equal(await runCredentialHelper("none", "ghcr.io"), undefined);
    }));

  test("a failing, missing or garbled helper is named; its output is never quoted when it is not JSON", () =>
    withHelpers(
      { broken: 'echo "keychain locked" >&2; exit 3', garbled: "echo not-json-s3cr3t" },
      async () => {
        await assert.rejects(
          runCredentialHelper("broken", "h.io"),
          /docker-credential-broken failed for h\.io: keychain locked/,
        );
        await assert.rejects(
          runCredentialHelper("absent-helper", "h.io"),
          /docker-credential-absent-helper could not run/,
        );
        await assert.rejects(runCredentialHelper("garbled", "h.io"), (err: Error) => {
          assert.match(err.message, /docker-credential-garbled printed something that is not JSON/);
          assert.equal(err.message.includes("s3cr3t"), false);
          return true;
        });
      },
    ));
});
