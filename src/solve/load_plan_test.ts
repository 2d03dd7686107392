import { test } from "node:test";
import assert from "node:assert/strict";
import { loadPlan } from "./load_plan.ts";
import { discoverEngine } from "../transport/discover.ts";

const docker = discoverEngine({ DOCKER_HOST: "unix:///run/test-docker.sock" });

test("on Docker's own BuildKit a load is the image output as it is", () => {
  const image = { type: "image", name: "app:1", load: true } as const;
  assert.deepEqual(loadPlan([image], "docker", docker).outputs, [image]);
});

test("on a standalone BuildKit a load becomes a docker tarball into DOCKER_HOST; a push keeps the image output", () => {
  const plan = loadPlan(
    [{ type: "image", name: "app:1", load: true, push: true, compression: "zstd" }],
    "buildkitd",
    docker,
  );
  assert.deepEqual(plan.outputs, [
    {
      type: "docker",
      name: "app:1",
      compression: "zstd",
      dest: "docker load into unix:///run/test-docker.sock",
    },
    { type: "image", name: "app:1", load: false, push: true, compression: "zstd" },
  ]);
  assert.equal(plan.sinks.size, 1);
  for (const sink of plan.sinks.values()) sink.destroy();
});

test("a load with no Docker to load into is refused before building", () => {
  assert.throws(
    () => loadPlan([{ type: "image", name: "app:1", load: true }], "buildkitd", undefined),
    /load: true needs a Docker Engine.*DOCKER_HOST/,
  );
});
