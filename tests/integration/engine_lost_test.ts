// An engine frozen (SIGSTOP) or killed mid-build, on a throwaway dockerd of the test's own: the build
// fails soon, naming the engine and the running step, instead of waiting forever or saying
// "Connection dropped".
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { buildTargets, DrydockError, local } from "../../mod.ts";
import { unique } from "../support/engines.ts";
import { processesWith } from "../support/engine_probe.ts";
import { waitFor } from "../support/program.ts";
import {
  BUSYBOX_ROOTFS,
  startThrowawayEngine,
  type ThrowawayEngine,
  throwawaySkip,
} from "../support/throwaway_engine.ts";

const skip = throwawaySkip();

describe("an engine lost mid-build (a throwaway dockerd)", { skip }, () => {
  let engine: ThrowawayEngine;
  before(async () => {
    engine = await startThrowawayEngine("dd-rel9", "172.30.9.1/24");
  });
  after(async () => await engine?.remove());

  async function buildUntilStepRuns(marker: string) {
    const sleeper = local(BUSYBOX_ROOTFS).run(["/bin/sh", "-c", `sleep 300; echo ${marker}`]);
    const building = buildTargets({ sleeper }, { host: engine.host });
    building.catch(() => {});
    assert.ok(await waitFor(() => processesWith(`echo ${marker}`).length > 0, 90_000), "the step started");
    return { building };
  }

  test("frozen: reported within 20 s, naming the engine and the running step", async () => {
    const { building } = await buildUntilStepRuns(unique("frozen"));
    process.kill(engine.pid, "SIGSTOP");
    const t0 = Date.now();
    try {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const err = await Promise.race([
        building.then(() => undefined, (e: unknown) => e),
        new Promise((r) => (timer = setTimeout(() => r("still waiting after 60 s"), 60_000))),
      ]);
      clearTimeout(timer);
      const elapsed = Date.now() - t0;
      assert.ok(err instanceof DrydockError, String(err));
      assert.equal(err.code, "E_ENGINE_LOST");
      assert.match(err.message, new RegExp(`Docker engine at unix://${engine.socket} stopped answering`));
      assert.match(err.message, /running: \[sleeper 2\/2\] RUN \["\/bin\/sh","-c","sleep 300; echo /);
      assert.ok(elapsed < 20_000, `reported after ${elapsed} ms`);
    } finally {
      process.kill(engine.pid, "SIGCONT");
    }
  });

  test("killed: reported within 1 s, naming the engine and the running step", async () => {
    const { building } = await buildUntilStepRuns(unique("killed"));
    const t0 = Date.now();
    process.kill(engine.pid, "SIGKILL");
    const err = await building.then(() => undefined, (e: unknown) => e);
    const elapsed = Date.now() - t0;
    assert.ok(err instanceof DrydockError, String(err));
    assert.equal(err.code, "E_ENGINE_LOST");
    assert.match(err.message, new RegExp(`Docker engine at unix://${engine.socket} closed the connection`));
    assert.match(err.message, /running: \[sleeper 2\/2\] RUN \["\/bin\/sh","-c","sleep 300; echo /);
    assert.doesNotMatch(err.message, /Connection dropped/);
    assert.ok(elapsed < 1_000, `reported after ${elapsed} ms`);
  });
});
