// `load: true` from a standalone BuildKit (BUILDKIT_HOST, here the buildkitd stand-in in front of dk26c):
// the docker tarball streams straight into DOCKER_HOST's image load, and the image then runs there as a base.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildTargets, image, scratch } from "../../mod.ts";
import { dockerApi, removeImage } from "../support/docker_api.ts";
import { buildFiles } from "../support/build_files.ts";
import { dk26, dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { type StandIn, startStandIn } from "../support/standin.ts";

let standIn: StandIn | undefined;
let tmp: string;
before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "drydock-load-"));
  if (dk26c) standIn = await startStandIn(dk26c.socket);
});
after(async () => {
  await standIn?.close();
  rmSync(tmp, { recursive: true, force: true });
});

function loadInto(docker: TestEngine | undefined, label: string) {
  test(`load: true puts a runnable image into ${label}, with no temp file`, {
    skip: skipWithout(dk26c, "Docker 26.1 (behind the stand-in)") || skipWithout(docker, label),
  }, async () => {
    const id = unique("loaded");
    const name = `drydock-load-${id}:v1`;
    try {
      const r = await buildTargets({
        app: {
          state: image("busybox").run(`echo ${id} > /id`).config({ cmd: ["cat", "/id"] }),
          output: { type: "image", name, load: true },
        },
      }, { env: { BUILDKIT_HOST: standIn!.address, DOCKER_HOST: `unix://${docker!.socket}`, TMPDIR: tmp } });
      assert.ok(r.app.loaded?.some((n) => n.endsWith(name)), JSON.stringify(r.app.loaded));
      const inspected = await dockerApi(docker!.socket, `/images/${encodeURIComponent(name)}/json`);
      assert.equal(inspected.status, 200);
      assert.deepEqual((inspected.body as { Config: { Cmd: string[] } }).Config.Cmd, ["cat", "/id"]);
      // Runs there: a build on that Docker starts from it.
      const built = await buildFiles(
        docker!,
        scratch().copy(image(name).run("cat /id > /seen"), "/seen", "/seen"),
      );
      assert.equal(built.read("seen"), `${id}\n`);
      assert.deepEqual(readdirSync(tmp), [], "nothing was written to a temp dir");
    } finally {
      await removeImage(docker!.socket, name);
    }
  });
}

describe("load: true from a standalone BuildKit", () => {
  loadInto(dk28, "Docker 28.5 (containerd store)");
  loadInto(dk26, "Docker 26.1 (overlay2)");

  test(
    "on Docker's own BuildKit it is the plain image export",
    { skip: skipWithout(dk28, "Docker 28.5") },
    async () => {
      const name = `drydock-load-${unique("own")}:v1`;
      try {
        const r = await buildTargets({
          app: { state: image("busybox").run("true"), output: { type: "image", name, load: true } },
        }, {
          host: dk28!.host,
        });
        assert.deepEqual(r.app.loaded, []);
        assert.equal((await dockerApi(dk28!.socket, `/images/${encodeURIComponent(name)}/json`)).status, 200);
      } finally {
        await removeImage(dk28!.socket, name);
      }
    },
  );

  test("a Docker that cannot be reached fails the build naming it", {
    skip: skipWithout(dk26c, "Docker 26.1"),
  }, async () => {
    const missing = join(tmp, "no-docker.sock");
    await assert.rejects(
      buildTargets({
        app: { state: image("busybox").run("true"), output: { type: "image", name: "x:y", load: true } },
      }, {
        env: { BUILDKIT_HOST: standIn!.address, DOCKER_HOST: `unix://${missing}` },
      }),
      (e: Error) => e.message.includes(missing) || /no-docker\.sock|ENOENT|connect/.test(e.message),
    );
    assert.ok(!existsSync(missing));
  });
});
