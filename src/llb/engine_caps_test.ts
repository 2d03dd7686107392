import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { EngineCaps } from "./engine_caps.ts";

describe("EngineCaps", () => {
  const caps = EngineCaps.fromPong({
    llbCaps: [
      { id: "source.git", enabled: true },
      { id: "mergeop", enabled: false, disabledReason: "reason", disabledReasonMsg: "only with containerd" },
      { id: "diffop", enabled: false, disabledReason: "short only" },
    ],
    frontendAPICaps: [{ id: "frontend.inputs", enabled: true }],
  }, "the engine");

  test("enabled, disabled (with the engine's message, else its short reason) and unknown caps", () => {
    assert.equal(caps.supports("source.git"), true);
    assert.deepEqual(caps.problem("mergeop"), { kind: "disabled", reason: "only with containerd" });
    assert.deepEqual(caps.problem("diffop"), { kind: "disabled", reason: "short only" });
    assert.deepEqual(caps.problem("source.git.subdir"), { kind: "unknown" });
  });

  test("gateway caps are a separate list", () => {
    assert.equal(caps.problem("frontend.inputs", true), undefined);
    assert.deepEqual(caps.problem("frontend.inputs"), { kind: "unknown" });
    assert.deepEqual(caps.problem("source.git", true), { kind: "unknown" });
  });
});
