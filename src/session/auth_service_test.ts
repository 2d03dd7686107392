import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AuthService } from "../proto/moby_filesync_v1.gen.ts";
import { authMethods } from "./auth_service.ts";
import { RegistryCredentialStore } from "./registry_credentials.ts";
import { serveSession } from "./session_test_util.ts";

describe("authMethods()", () => {
  test("Credentials answers by host; unknown hosts get an empty answer; token methods are UNIMPLEMENTED", async () => {
    const store = new RegistryCredentialStore({
      env: { DOCKER_CONFIG: "/nonexistent-drydock-config" },
      logins: { "localhost:5001": { username: "u", password: "p" }, "ghcr.io": { token: "idt" } },
    });
    const h = await serveSession(authMethods(store));
    try {
      assert.deepEqual(await h.unary(AuthService.credentials, { host: "localhost:5001" }), {
        username: "u",
        secret: "p",
      });
      assert.deepEqual(await h.unary(AuthService.credentials, { host: "ghcr.io" }), {
        username: "",
        secret: "idt",
      });
      assert.deepEqual(await h.unary(AuthService.credentials, { host: "other.io" }), {
        username: "",
        secret: "",
      });
      // The engine then fetches registry tokens itself with the Credentials answer.
      await assert.rejects(
        h.unary(AuthService.getTokenAuthority, { host: "ghcr.io" }),
        (err: { code: number }) => err.code === 12,
      );
    } finally {
      await h.close();
    }
  });
});
