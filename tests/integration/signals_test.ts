// Whatever ends a build (Ctrl-C, SIGTERM from `timeout` or CI, SIGHUP from a closed terminal, even
// SIGKILL), drydock's own ssh-agent holding the user's key and every drydock temp dir are gone after
// (after SIGKILL: once the next build starts).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { dk26c, skipWithout, unique } from "../support/engines.ts";
import { processesWith } from "../support/engine_probe.ts";
import { startBuildFile, waitFor } from "../support/program.ts";
import { runBuildFile } from "../support/runtime.ts";
import { makeKey } from "../support/ssh_tools.ts";

const BUILD = fileURLToPath(new URL("../fixtures/cli/ssh_sleep_build.ts", import.meta.url));
const BIG_TAR = fileURLToPath(new URL("../fixtures/cli/big_tar_build.ts", import.meta.url));
const EXIT = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

let work: string;
let key: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), "drydock-signals-"));
  key = join(work, "deploy_key");
  makeKey(key, "drydock-signal-test");
});
after(() => rmSync(work, { recursive: true, force: true }));

/** Starts the sleeping build with a private TMPDIR and waits until its step and its ssh-agent run. */
async function startSleeper() {
  const tmp = join(work, unique("tmp"));
  mkdirSync(tmp);
  const marker = unique("signal");
  const program = startBuildFile(BUILD, ["--marker", marker, "--key", key], {
    DOCKER_HOST: `unix://${dk26c!.socket}`,
    BUILDKIT_HOST: undefined,
    TMPDIR: tmp,
  });
  assert.ok(await waitFor(() => processesWith(`echo ${marker}`).length > 0, 90_000), program.stderr());
  // Our agent's command line names its socket, inside the private TMPDIR.
  assert.ok(processesWith(`ssh-agent -a ${tmp}/`).length > 0, "drydock's ssh-agent runs during the build");
  assert.ok(readdirSync(tmp).some((d) => d.startsWith("drydock-ssh-")), readdirSync(tmp).join(" "));
  return { tmp, marker, program };
}

async function assertNothingLeft(tmp: string, marker: string, withinMs: number): Promise<void> {
  assert.ok(
    await waitFor(() => processesWith(`ssh-agent -a ${tmp}/`).length === 0, withinMs),
    "no ssh-agent of ours is left running",
  );
  assert.ok(
    await waitFor(() => readdirSync(tmp).length === 0, withinMs),
    `left: ${readdirSync(tmp).join(" ")}`,
  );
  assert.ok(
    await waitFor(() => processesWith(`echo ${marker}`).length === 0, 15_000),
    "the step was stopped",
  );
}

/** Whether process `pid` is stopped (SIGSTOP). */
function stopped(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "").startsWith("T");
  } catch {
    return false;
  }
}

describe(
  "signals end a build with nothing left behind (Docker 26.1)",
  { skip: skipWithout(dk26c, "dk26c") },
  () => {
    for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
      test(`${sig}: the build is cancelled, exit ${EXIT[sig]}, no ssh-agent and no temp dir remain`, async () => {
        const { tmp, marker, program } = await startSleeper();
        program.signal(sig);
        const r = await program.done;
        assert.equal(r.code, EXIT[sig], `${r.signal} ${r.stderr}`);
        assert.match(r.stderr, /cancelling the build/);
        await assertNothingLeft(tmp, marker, 2_000);
      });
    }

    test("SIGKILL: the ssh-agent and its temp dir go with the process", async () => {
      const { tmp, marker, program } = await startSleeper();
      program.signal("SIGKILL");
      await program.done;
      assert.ok(
        await waitFor(() => processesWith(`ssh-agent -a ${tmp}/`).length === 0, 3_000),
        "no ssh-agent of ours is left running",
      );
      assert.ok(
        await waitFor(() => !readdirSync(tmp).some((d) => d.startsWith("drydock-ssh-")), 3_000),
        readdirSync(tmp).join(" "),
      );
      assert.ok(
        await waitFor(() => processesWith(`echo ${marker}`).length === 0, 15_000),
        "the step was stopped",
      );
    });

    test("SIGKILL mid-export: the next build removes the killed one's temp dir and partial tar", async () => {
      const tmp = join(work, unique("tmp"));
      mkdirSync(tmp);
      const out = join(work, unique("out"));
      const dest = join(out, "big.tar");
      const env = { DOCKER_HOST: `unix://${dk26c!.socket}`, BUILDKIT_HOST: undefined, TMPDIR: tmp };
      // The build stops itself once its partial tar exists, so the kill lands mid-export.
      const killed = startBuildFile(BIG_TAR, ["--dest", dest, "--stop"], env);
      const pid = killed.child.pid!;
      assert.ok(await waitFor(() => stopped(pid), 120_000), killed.stderr());
      killed.signal("SIGKILL");
      await killed.done;
      assert.ok(
        readdirSync(tmp).some((d) => d.startsWith(`drydock-${pid}-`)),
        "the Docker pipe's dir is left",
      );
      assert.ok(readdirSync(out).some((f) => f.startsWith(`big.tar.partial-${pid}-`)), "and the partial tar");

      const next = await runBuildFile(BIG_TAR, ["--dest", dest], env);
      assert.equal(next.code, 0, next.stderr);
      assert.deepEqual(readdirSync(tmp), [], "no temp dir is left");
      assert.deepEqual(readdirSync(out), ["big.tar"], "only the finished tar is left");
    });
  },
);
