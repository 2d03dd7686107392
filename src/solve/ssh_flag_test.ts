import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseSshSpec } from "./ssh_flag.ts";

describe("parseSshSpec()", () => {
  test("default alone means SSH_AUTH_SOCK", () =>
    assert.deepEqual(parseSshSpec("default"), { id: "default", paths: [] }));
  test("a named socket", () =>
    assert.deepEqual(parseSshSpec("gh=/run/agent.sock"), { id: "gh", paths: ["/run/agent.sock"] }));
  test("several key files", () =>
    assert.deepEqual(parseSshSpec("deploy=./a,/keys/b", "/work"), {
      id: "deploy",
      paths: ["/work/a", "/keys/b"],
    }));
  test("an empty id, an empty path or a comma in the id is refused", () => {
    assert.throws(() => parseSshSpec("=x"), /--ssh "=x": needs an id/);
    assert.throws(() => parseSshSpec("a=x,,y"), /--ssh "a=x,,y": paths must not be empty/);
    assert.throws(() => parseSshSpec("a,b"), /id "a,b" must not contain/);
  });
});
