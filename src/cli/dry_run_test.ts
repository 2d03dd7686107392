import { test } from "node:test";
import assert from "node:assert/strict";
import { context, image, local, scratch } from "../../mod.ts";
import { marshal } from "../llb/marshal.ts";
import { resolveTargets } from "../solve/targets.ts";
import { compileTargets, dryRunText } from "./dry_run.ts";

test("`compileTargets()` compiles each target to its LLB terminal digest, with no engine", () => {
  const app = image("busybox").run("echo hi > /hi");
  const compiled = compileTargets(
    resolveTargets({ app: { state: app, image: "app:dev" }, empty: scratch() }, "/p"),
    {},
  );
  assert.deepEqual(compiled, [
    { name: "app", ops: 3, digest: marshal(app).ops.at(-1)!.digest, outputs: ["image app:dev"] },
    { name: "empty", ops: 0, digest: undefined, outputs: [] },
  ]);
  assert.equal(
    dryRunText(compiled),
    `app: 3 LLB ops, ${compiled[0].digest} → image app:dev\nempty: 0 LLB ops, empty filesystem\n`,
  );
});

test("`--dry-run` lists a dynamic target as such: its graph depends on the engine", () => {
  // An async function is what marks a target dynamic; this one needs no await.
  // deno-lint-ignore require-await
  const state = async () => image("busybox");
  const [dyn] = resolveTargets({ dyn: { state, image: "d:1" } }, "/p");
  assert.equal(typeof dyn.dynamic, "function");
  assert.equal(
    dryRunText(compileTargets([dyn], {})),
    "dyn: dynamic, its graph depends on what the engine builds (not compiled) → image d:1\n",
  );
});

test("a plain state function that returns a Promise is told to be async", () => {
  assert.throws(
    () => resolveTargets({ bad: { state: () => Promise.resolve(image("busybox")) } }, "/p"),
    /returned a Promise: declare a dynamic target's state as `async \(ctx\) => \.\.\.`/,
  );
});

test("`--dry-run` says which named contexts were replaced, and compiles with the replacements", () => {
  const app = image("busybox").copy(context("src", local("a")), ".", "/app");
  const [t] = resolveTargets({ app }, "/p");
  const replaced = compileTargets([t], { contexts: new Map([["src", local("b")]]) });
  assert.notEqual(replaced[0].digest, compileTargets([t], {})[0].digest);
  assert.equal(
    dryRunText(replaced, ["src=/b"]),
    `app: 4 LLB ops, ${replaced[0].digest}\nbuild contexts replaced: src=/b\n`,
  );
});
