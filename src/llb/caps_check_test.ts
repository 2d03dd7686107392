import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { diff, git, image, scratch } from "../../mod.ts";
import { Cap, CAP_FEATURES } from "./caps.ts";
import { CapabilityError, checkCaps, missingCaps } from "./caps_check.ts";
import { EngineCaps } from "./engine_caps.ts";
import { marshal } from "./marshal.ts";

const BASE = [
  "source.image",
  "source.git",
  "source.git.fullurl",
  "exec.meta.base",
  "exec.mount.bind",
  "file.base",
];
const TERMINAL = ["constraints", "platform", "meta.description"];

function engine(extra: { id: string; enabled: boolean; disabledReasonMsg?: string }[]) {
  return EngineCaps.fromPong(
    { llbCaps: [...[...BASE, ...TERMINAL].map((id) => ({ id, enabled: true })), ...extra] },
    "the Docker engine at unix:///test.sock",
  );
}

describe("caps check", () => {
  test("a disabled cap names the feature, the build.ts line and the engine's reason", () => {
    const base = image("busybox");
    const line = Number(/:(\d+):\d+\)?$/.exec(new Error().stack!.split("\n")[1])![1]) + 1;
    const state = diff(base, base.run("touch /x"));
    const caps = engine([{
      id: "diffop",
      enabled: false,
      disabledReasonMsg: "only enabled with containerd image store backend",
    }]);
    assert.throws(() => checkCaps(marshal(state), caps), (err: unknown) => {
      assert.ok(err instanceof CapabilityError);
      assert.equal(err.code, "E_CAPABILITY");
      assert.match(
        err.message,
        new RegExp(
          `^diff\\(\\) \\(at .*caps_check_test\\.ts:${line}:\\d+\\) needs the engine capability "diffop", ` +
            "which the Docker engine at unix:///test.sock has disabled: only enabled with containerd image store backend$",
        ),
      );
      return true;
    });
  });

  test("an unknown cap says the engine is too old; one entry per cap and line", () => {
    const repo = git("https://example.com/r.git", { subdir: "docs" });
    const missing = missingCaps(marshal(scratch().copy(repo, ".", "/a").copy(repo, ".", "/b")), engine([]));
    assert.deepEqual(missing.map((m) => [m.cap, m.feature, m.problem.kind]), [
      ["source.git.subdir", "git({ subdir })", "unknown"],
    ]);
  });

  test("nothing missing passes", () => {
    assert.doesNotThrow(() => checkCaps(marshal(image("busybox").run("true")), engine([])));
  });
});

describe("every cap the lowering can list has a feature name", () => {
  test("no cap is named only by its ID", () => {
    // The terminal op's caps are always present on any engine that can build at all.
    const always = new Set([
      "constraints",
      "platform",
      "meta.description",
      "source.image",
      "source.local",
      "source.local.unique",
    ]);
    const unnamed = Object.values(Cap).filter((c) => !always.has(c) && !CAP_FEATURES[c]);
    assert.deepEqual(unnamed, []);
  });
});
