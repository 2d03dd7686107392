// The base image's config is inherited, as the Dockerfile frontend does: by
// the exported image and by later run steps (env, working directory, user).
// The base is an image drydock built into the engine's store first.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildTargets, image, scratch } from "../../mod.ts";
import { dk20, dk26, dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { imageConfig, removeImage } from "../support/docker_api.ts";

function inheritOn(engine: TestEngine | undefined, label: string) {
  test(`a derived image and its run steps inherit the base config (${label})`, {
    skip: skipWithout(engine, label),
  }, async () => {
    const e = engine!;
    const baseName = `${unique("drydock-base")}:v1`;
    // A fresh name per image: replacing a tag in the containerd store can collect blobs still in use.
    const appName = `${unique("drydock-derived")}:v1`;
    const entrypointName = `${unique("drydock-entrypoint")}:v1`;
    const noCheckName = `${unique("drydock-nocheck")}:v1`;
    const out = mkdtempSync(join(tmpdir(), "drydock-inherit-"));
    const base = image("busybox")
      .run("mkdir -p /work && chmod 777 /work")
      .env({ BASE_VAR: "from-base", SHARED: "base" })
      .workdir("/work")
      .user("nobody")
      .config({
        cmd: ["base-cmd"],
        labels: { layer: "base", keep: "yes" },
        expose: [80],
        volumes: ["/data"],
        stopSignal: "SIGQUIT",
        healthcheck: { test: "true", interval: "1m30s", timeout: 5, retries: 2 },
      });
    try {
      await buildTargets({ base: { state: base, image: baseName } }, { host: e.host });

      const app = image(baseName)
        .env("SHARED", "app")
        .workdir("sub")
        .run(["/bin/sh", "-c", 'mkdir -p . && echo "$BASE_VAR $SHARED $(pwd) $(id -u)" > /work/sub/seen.txt'])
        // Relative file-op paths build on the base's working directory too, as COPY/WORKDIR do.
        .mkfile("made.txt", "made\n")
        .copy(scratch().mkfile("/c.txt", "copied\n"), "c.txt", "into/")
        .config({ labels: { layer: "app" }, expose: ["53/udp"] });
      await buildTargets({
        app: { state: app, image: appName, output: { type: "local", dest: out } },
      }, { host: e.host });

      assert.equal(readFileSync(join(out, "work/sub/seen.txt"), "utf8"), "from-base app /work/sub 65534\n");
      assert.equal(readFileSync(join(out, "work/sub/made.txt"), "utf8"), "made\n");
      assert.equal(readFileSync(join(out, "work/sub/into/c.txt"), "utf8"), "copied\n");
      const c = await imageConfig(e.socket, appName);
      assert.deepEqual(c.Env, [
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "BASE_VAR=from-base",
        "SHARED=app",
      ]);
      assert.equal(c.WorkingDir, "/work/sub");
      assert.equal(c.User, "nobody");
      assert.deepEqual(c.Cmd, ["base-cmd"]);
      assert.deepEqual(c.Labels, { layer: "app", keep: "yes" });
      assert.deepEqual(c.ExposedPorts, { "80/tcp": {}, "53/udp": {} });
      assert.deepEqual(c.Volumes, { "/data": {} });
      assert.equal(c.StopSignal, "SIGQUIT");
      assert.deepEqual(c.Healthcheck, {
        Test: ["CMD-SHELL", "true"],
        Interval: 90_000_000_000,
        Timeout: 5_000_000_000,
        Retries: 2,
      });

      // Docker's rule: a new entrypoint drops the inherited cmd.
      const withEntrypoint = image(baseName).config({ entrypoint: ["/bin/echo"] });
      await buildTargets({ e: { state: withEntrypoint, image: entrypointName } }, { host: e.host });
      const c2 = await imageConfig(e.socket, entrypointName);
      assert.deepEqual(c2.Entrypoint, ["/bin/echo"]);
      assert.equal(c2.Cmd ?? null, null);
      // ... and healthcheck "none" disables an inherited check.
      await buildTargets({
        h: { state: image(baseName).config({ healthcheck: "none" }), image: noCheckName },
      }, {
        host: e.host,
      });
      assert.deepEqual((await imageConfig(e.socket, noCheckName)).Healthcheck, { Test: ["NONE"] });
    } finally {
      rmSync(out, { recursive: true, force: true });
      for (const n of [appName, entrypointName, noCheckName]) await removeImage(e.socket, n);
      await removeImage(e.socket, baseName);
    }
  });
}

describe("base image config", () => {
  inheritOn(dk26c, "Docker 26.1, containerd store");
  inheritOn(dk28, "Docker 28.5, containerd store");
  inheritOn(dk26, "Docker 26.1, overlay2");
  inheritOn(dk20, "Docker 20.10");
});
