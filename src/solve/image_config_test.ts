import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { image, scratch } from "../../mod.ts";
import { DEFAULT_PATH, imageConfig } from "./image_config.ts";

const base = {
  config: {
    Env: ["PATH=/opt/bin:/bin", "A=base", "B=base"],
    Cmd: ["base-cmd"],
    Entrypoint: ["/base-entry"],
    WorkingDir: "/srv",
    User: "app",
    Labels: { from: "base", kept: "yes" },
    ExposedPorts: { "80/tcp": {} },
    Volumes: { "/data": {} },
    Shell: ["/bin/bash", "-c"],
    OnBuild: ["RUN true"],
  },
};

describe("imageConfig()", () => {
  test("without a base: default PATH, state settings only", () => {
    const c = imageConfig(scratch().env("X", "1").workdir("/w").user("u").config({ cmd: ["c"] })).config;
    assert.deepEqual(c, { Env: [`PATH=${DEFAULT_PATH}`, "X=1"], WorkingDir: "/w", User: "u", Cmd: ["c"] });
  });

  test("inherits the base config and overrides it like a Dockerfile", () => {
    const state = image("busybox").env("B", "mine").env("C", "new").workdir("sub").config({
      labels: { from: "me" },
      expose: ["53/udp"],
      volumes: ["/cache"],
      stopSignal: "SIGINT",
    });
    const c = imageConfig(state, base).config;
    assert.deepEqual(c.Env, ["PATH=/opt/bin:/bin", "A=base", "B=mine", "C=new"]);
    assert.equal(c.WorkingDir, "/srv/sub");
    assert.equal(c.User, "app");
    assert.deepEqual(c.Cmd, ["base-cmd"]);
    assert.deepEqual(c.Entrypoint, ["/base-entry"]);
    assert.deepEqual(c.Labels, { from: "me", kept: "yes" });
    assert.deepEqual(c.ExposedPorts, { "80/tcp": {}, "53/udp": {} });
    assert.deepEqual(c.Volumes, { "/data": {}, "/cache": {} });
    assert.equal(c.StopSignal, "SIGINT");
    assert.deepEqual(c.Shell, ["/bin/bash", "-c"], "fields drydock doesn't set pass through");
    assert.deepEqual(base.config.Env, ["PATH=/opt/bin:/bin", "A=base", "B=base"], "the base is not modified");
  });

  test("an absolute workdir and an explicit user replace the base's", () => {
    const c = imageConfig(image("busybox").workdir("/abs").user("root"), base).config;
    assert.equal(c.WorkingDir, "/abs");
    assert.equal(c.User, "root");
  });

  test("a new entrypoint clears the inherited cmd unless one is given", () => {
    assert.equal(imageConfig(image("busybox").config({ entrypoint: ["/e"] }), base).config.Cmd, undefined);
    const c = imageConfig(image("busybox").config({ entrypoint: ["/e"], cmd: ["x"] }), base).config;
    assert.deepEqual([c.Entrypoint, c.Cmd], [["/e"], ["x"]]);
    // A cmd set after the entrypoint survives, as in a Dockerfile.
    const later = image("busybox").config({ entrypoint: ["/e"] }).config({ cmd: ["y"] });
    assert.deepEqual(imageConfig(later, base).config.Cmd, ["y"]);
  });

  test("healthcheck durations in nanoseconds, and NONE", () => {
    const c = imageConfig(
      scratch().config({
        healthcheck: {
          test: ["/check", "-q"],
          interval: "1m30s",
          timeout: 2.5,
          startPeriod: "500ms",
          retries: 4,
        },
      }),
    ).config;
    assert.deepEqual(c.Healthcheck, {
      Test: ["CMD", "/check", "-q"],
      Interval: 90e9,
      Timeout: 2.5e9,
      StartPeriod: 5e8,
      Retries: 4,
    });
    assert.deepEqual(imageConfig(scratch().config({ healthcheck: "none" })).config.Healthcheck, {
      Test: ["NONE"],
    });
  });

  test("config() options are validated with the call's name", () => {
    assert.throws(
      () => scratch().config({ volumes: ["data"] }),
      /config\(\): option "volumes.0" must be an absolute path/,
    );
    assert.throws(
      () => scratch().config({ healthcheck: { test: "x", interval: "soon" } }),
      /config\(\): option "healthcheck/,
    );
    assert.throws(
      () => scratch().config({ stopSignal: "TERM" }),
      /option "stopSignal" must look like "SIGTERM"/,
    );
  });

  test("the platform given wins (multi-platform builds)", () => {
    const c = imageConfig(scratch(), undefined, { os: "linux", architecture: "arm64", variant: "v8" });
    assert.deepEqual([c.os, c.architecture, c.variant], ["linux", "arm64", "v8"]);
  });
});

test("imageConfig: arg() variables stay out, shell and onbuild are recorded", () => {
  const s = image("busybox").arg("V", "1").env("X", "$V").shell(["/bin/ash", "-c"]).config({
    onbuild: ["RUN x"],
  });
  const c = imageConfig(s, { config: { Env: ["PATH=/bin"], OnBuild: ["RUN base"] } }).config;
  assert.deepEqual([c.Env, c.Shell, c.OnBuild], [["PATH=/bin", "X=1"], ["/bin/ash", "-c"], [
    "RUN base",
    "RUN x",
  ]]);
});

test("imageConfig: a variable set again keeps its first place, as a Dockerfile's config", () => {
  const s = image("busybox").env("A", "1").env("B", "2").env("A", "3").env("PATH", "$PATH:/x");
  const c = imageConfig(s, { config: { Env: ["PATH=/bin"] } }).config;
  assert.deepEqual(c.Env, ["PATH=/bin:/x", "A=3", "B=2"]);
});
