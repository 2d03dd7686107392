// Forces the engine's first HTTP/2 bytes into the same read as the `101`
// answer to Docker's /session and /grpc upgrades. Bun's http2 drops bytes
// pushed back with unshift(); drydock must replay them itself.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildTargets, image, local, scratch } from "../../mod.ts";
import { dk26c, skipWithout } from "../support/engines.ts";
import { startCoalescingProxy } from "../support/standin.ts";

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), "drydock-leftover-"));
  writeFileSync(join(work, "msg.txt"), "leftover bytes survived\n");
});
after(() => rmSync(work, { recursive: true, force: true }));

test("a build works when the upgrade answer and HTTP/2 bytes arrive in one read", {
  skip: skipWithout(dk26c, "Docker 26.1 (containerd store)"),
}, async () => {
  const proxy = await startCoalescingProxy(dk26c!.socket, join(work, "docker.sock"), 200);
  try {
    const state = scratch().copy(image("busybox").copy(local(work), "msg.txt", "/m.txt"), "/m.txt", "/m.txt");
    const out = join(work, "out");
    await buildTargets({ t: { state, output: { type: "local", dest: out } } }, {
      host: `docker+${proxy.address}`,
    });
    assert.equal(readFileSync(join(out, "m.txt"), "utf8"), "leftover bytes survived\n");
    // The session's /session upgrade (the engine speaks first there) must have been coalesced.
    assert.ok(
      proxy.coalesced() >= 1,
      `no upgrade answer was coalesced with HTTP/2 bytes (${proxy.coalesced()})`,
    );
  } finally {
    await proxy.close();
  }
});
