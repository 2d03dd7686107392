// The engine names each step by the digest of its op. BuildKit >= 0.18 re-encodes every op with Go
// protobuf and reports that digest, so drydock must send Go's byte order for the two to agree (vertexes,
// error details and the source map are keyed by it). Every op of the definition sent must come back as a
// vertex under its own digest, on every engine.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildTargets, cache, diff, image, local, merge, scratch, type State, tmpfs } from "../../mod.ts";
import { Definition } from "../../src/proto/pb.gen.ts";
import type { StatusResponse } from "../../src/proto/moby_buildkit_v1.gen.ts";
import { dk20, dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), "drydock-vertex-"));
  writeFileSync(join(work, "ctx.txt"), "ctx\n");
});
after(() => rmSync(work, { recursive: true, force: true }));

/** Image and local sources, an exec with cache and tmpfs mounts, copy, mkdir/mkfile/rm and (if asked) merge/diff. */
function graph(salt: string, composition: boolean): State {
  const base = image("busybox").env("SALT", salt);
  const ran = base.run("echo $SALT > /ran && ls /c /t", {
    mounts: { "/c": cache(`vd-${salt}`), "/t": tmpfs() },
  });
  const files = scratch().mkdir("/d").mkfile("/d/f", salt).mkfile("/gone", "x").rm("/gone");
  const copied = ran.copy(local(work), "ctx.txt", "/ctx.txt").copy(files, "/d", "/d");
  if (!composition) return copied;
  return merge([copied, diff(base, ran)]);
}

const sha256 = (b: Uint8Array) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

function digestsOn(engine: TestEngine | undefined, label: string, composition: boolean) {
  test(`every op sent comes back as a vertex under its own digest (${label})`, {
    skip: skipWithout(engine, label),
  }, async () => {
    let sent: Definition | undefined;
    const statuses: StatusResponse[] = [];
    await buildTargets({
      t: { state: graph(unique("salt"), composition), output: { type: "local", dest: work + "/out" } },
    }, {
      host: engine!.host,
      onDefinition: (_t, d) => sent = Definition.decode(d),
      onStatus: (_t, s) => statuses.push(s),
    });
    assert.ok(sent?.def);
    // The last element is the terminal pseudo-op, which is no step.
    const ops = new Set(sent.def.slice(0, -1).map(sha256));
    const vertexes = statuses.flatMap((s) => s.vertexes ?? []);
    const reported = new Set(vertexes.map((v) => v.digest));
    const missing = [...ops].filter((d) => !reported.has(d));
    assert.deepEqual(missing, [], `${missing.length} of ${ops.size} ops came back under another digest`);
    for (const v of vertexes.filter((x) => ops.has(x.digest!))) {
      for (const input of v.inputs ?? []) {
        assert.ok(ops.has(input), `${v.name}: input ${input} is an op sent`);
      }
    }
  });
}

digestsOn(dk26c, "Docker 26.1, containerd store", true);
digestsOn(dk28, "Docker 28.5, containerd store", true);
// BuildKit 0.8 has no merge/diff ops.
digestsOn(dk20, "Docker 20.10", false);
