// The BUILDKIT_HOST path: plain gRPC, with the session carried inside
// Control.Session, against a real engine behind a buildkitd stand-in.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildTargets, image, local, scratch } from "../../mod.ts";
import { dk20, dk26c, dk28, skipWithout, type TestEngine } from "../support/engines.ts";
import { type StandIn, startStandIn } from "../support/standin.ts";

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), "drydock-bkhost-"));
  mkdirSync(join(work, "ctx/sub"), { recursive: true });
  writeFileSync(join(work, "ctx/sub/input.txt"), "through Control.Session\n");
});
after(() => rmSync(work, { recursive: true, force: true }));

async function buildThrough(standIn: StandIn, out: string) {
  const result = image("busybox")
    .copy(local(join(work, "ctx")), "sub/input.txt", "/in.txt")
    .run("tr a-z A-Z < /in.txt > /out.txt");
  const files = scratch().copy(result, "/out.txt", "/out.txt");
  // BUILDKIT_HOST names a buildkitd: drydock must not use Docker's /session upgrade.
  return await buildTargets(
    { files: { state: files, output: { type: "local", dest: out } } },
    { env: { BUILDKIT_HOST: standIn.address } },
  );
}

function throughStandIn(engine: TestEngine | undefined, label: string, listen: "unix" | "tcp") {
  test(`BUILDKIT_HOST=${listen}://… builds through Control.Session (${label})`, {
    skip: skipWithout(engine, label),
  }, async () => {
    const standIn = await startStandIn(
      engine!.socket,
      listen === "unix" ? { socketPath: join(work, `bk-${engine!.name}.sock`) } : {},
    );
    try {
      const out = join(work, `out-${engine!.name}-${listen}`);
      await buildThrough(standIn, out);
      assert.equal(readFileSync(join(out, "out.txt"), "utf8"), "THROUGH CONTROL.SESSION\n");
      assert.ok(standIn.connections() >= 1, "the build went through the stand-in");
    } finally {
      await standIn.close();
    }
  });
}

describe("buildkitd transport", () => {
  throughStandIn(dk26c, "Docker 26.1 (containerd store)", "unix");
  throughStandIn(dk26c, "Docker 26.1 (containerd store)", "tcp");
  throughStandIn(dk28, "Docker 28.5 (containerd store)", "unix");
  throughStandIn(dk20, "Docker 20.10", "unix");
});
