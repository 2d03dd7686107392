import { test } from "node:test";
import assert from "node:assert/strict";
import { image, scratch } from "../../mod.ts";
import { marshal } from "../llb/marshal.ts";
import { resolveTargets } from "../solve/build.ts";
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
