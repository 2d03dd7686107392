// The image config set in build.ts reaches the exported image, checked with
// the Docker API (not through drydock), on engines with and without the
// containerd image store.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { buildTargets, image } from "../../mod.ts";
import { dk20, dk26, dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { imageConfig, removeImage } from "../support/docker_api.ts";

function configOn(engine: TestEngine | undefined, label: string) {
  test(`env, workdir, user, entrypoint, cmd, labels and ports reach the image (${label})`, {
    skip: skipWithout(engine, label),
  }, async () => {
    const name = `${unique("drydock-config")}:v1`;
    const app = image("busybox")
      .env("MODE", "production")
      .env({ A: "1", B: "two words" })
      .workdir("/srv/app")
      .user("nobody")
      .config({
        entrypoint: ["/bin/sh", "-c"],
        cmd: ["echo $MODE"],
        labels: { team: "build" },
        expose: [8080, "53/udp"],
      });
    try {
      const results = await buildTargets({ app: { state: app, image: name } }, { host: engine!.host });
      assert.match(results.app.exporterResponse["containerimage.digest"] ?? "", /^sha256:[0-9a-f]{64}$/);
      const c = await imageConfig(engine!.socket, name);
      assert.deepEqual(c.Env, [
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "MODE=production",
        "A=1",
        "B=two words",
      ]);
      assert.equal(c.WorkingDir, "/srv/app");
      assert.equal(c.User, "nobody");
      assert.deepEqual(c.Entrypoint, ["/bin/sh", "-c"]);
      assert.deepEqual(c.Cmd, ["echo $MODE"]);
      assert.deepEqual(c.Labels, { team: "build" });
      assert.deepEqual(c.ExposedPorts, { "8080/tcp": {}, "53/udp": {} });
    } finally {
      await removeImage(engine!.socket, name);
    }
  });
}

describe("image config", () => {
  configOn(dk26c, "Docker 26.1, containerd store");
  configOn(dk28, "Docker 28.5, containerd store");
  configOn(dk26, "Docker 26.1, overlay2");
  configOn(dk20, "Docker 20.10");
});
