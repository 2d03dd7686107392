import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SecretsService } from "../proto/moby_buildkit_secrets_v1.gen.ts";
import { secretsMethods } from "./secrets_service.ts";
import { serveSession } from "./session_test_util.ts";

describe("secretsMethods()", () => {
  test("answers a known id with its bytes and an unknown one with NOT_FOUND", async () => {
    const value = new Uint8Array([0, 1, 2, 255, 0x41]);
    const h = await serveSession(secretsMethods(new Map([["token", value]])));
    try {
      const got = await h.unary(SecretsService.getSecret, { id: "token" });
      assert.deepEqual([...got.data!], [...value]);
      await assert.rejects(
        h.unary(SecretsService.getSecret, { id: "GIT_AUTH_TOKEN" }),
        (err: { code: number; details: string }) => {
          assert.equal(err.code, 5); // NOT_FOUND: the engine reads it as "no such secret"
          assert.match(err.details, /secret "GIT_AUTH_TOKEN" not found/);
          return true;
        },
      );
      assert.ok(
        (h.headers["X-Docker-Expose-Session-Grpc-Method"] as string[]).includes(
          "/moby.buildkit.secrets.v1.Secrets/GetSecret",
        ),
      );
    } finally {
      await h.close();
    }
  });
});
