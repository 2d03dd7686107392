import { test } from "node:test";
import assert from "node:assert/strict";
import { parseContextFlag, parseContextSource } from "./context_spec.ts";

const fail = (why: string): never => {
  throw new Error(why);
};

test("`parseContextSource()` reads a directory, docker-image://REF and target:NAME", () => {
  assert.deepEqual(parseContextSource("./src", fail), { type: "dir", path: "./src" });
  assert.deepEqual(parseContextSource("/abs/dir", fail), { type: "dir", path: "/abs/dir" });
  assert.deepEqual(parseContextSource("docker-image://localhost:5000/a/b:1@sha256:00", fail), {
    type: "image",
    ref: "localhost:5000/a/b:1@sha256:00",
  });
  assert.deepEqual(parseContextSource("target:base", fail), { type: "target", target: "base" });
});

test("`parseContextSource()` refuses empty values and schemes it cannot serve, saying what works", () => {
  assert.throws(() => parseContextSource("", fail), /needs a value: a directory, docker-image:\/\/REF/);
  assert.throws(() => parseContextSource("docker-image://", fail), /needs an image reference/);
  assert.throws(() => parseContextSource("docker-image://a b", fail), /needs an image reference/);
  assert.throws(() => parseContextSource("target:", fail), /needs a target name/);
  assert.throws(() => parseContextSource("oci-layout:///tmp/l", fail), /oci-layout:\/\/ is not supported/);
  assert.throws(() => parseContextSource("https://x/y.git", fail), /https:\/\/ is not supported/);
});

test("`parseContextFlag()` splits NAME=VALUE at the first = and checks the name", () => {
  assert.deepEqual(parseContextFlag("src=a=b", fail), { name: "src", source: { type: "dir", path: "a=b" } });
  assert.deepEqual(parseContextFlag("docker.io/library/alpine=docker-image://busybox", fail), {
    name: "docker.io/library/alpine",
    source: { type: "image", ref: "busybox" },
  });
  assert.throws(() => parseContextFlag("src", fail), /expected NAME=VALUE/);
  assert.throws(() => parseContextFlag("Src=.", fail), /the name "Src" must be image-name-like/);
  assert.throws(() => parseContextFlag("=.", fail), /must be image-name-like/);
});
