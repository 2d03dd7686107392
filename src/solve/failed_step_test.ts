import { test } from "node:test";
import assert from "node:assert/strict";
import { cache, image } from "../../mod.ts";
import { digestOf } from "../llb/digest.ts";
import { marshal } from "../llb/marshal.ts";
import * as pb from "../proto/pb.gen.ts";
import {
  commandText,
  failedRunContainer,
  failedRunShell,
  findFailedRun,
  inputDefinition,
} from "./failed_step.ts";

const failing = image("busybox").env("A", "1").workdir("/w").user("nobody")
  .run("echo made > /w/made")
  .run("make test", { mounts: { "/cache": cache("c1") } });

function sent() {
  const m = marshal(failing, {});
  const exec = m.ops.filter((o) => o.op.exec).at(-1)!;
  return { definition: m.definition!, exec };
}

test("findFailedRun finds a run step by its digest in the definitions sent; other ops are not run steps", () => {
  const { definition, exec } = sent();
  const run = findFailedRun([definition], exec.digest);
  assert.equal(run?.exec.meta?.args?.at(-1), "make test");
  const source = marshal(image("busybox"), {}).ops[0];
  assert.equal(findFailedRun([definition], source.digest), undefined);
  assert.equal(findFailedRun([definition], "sha256:00"), undefined);
});

test("inputDefinition ends in a terminal op pointing at the step's input: its root before it ran", () => {
  const { definition, exec } = sent();
  const run = findFailedRun([definition], exec.digest)!;
  const def = inputDefinition(run, 0);
  const terminal = pb.Op.decode(def.def!.at(-1)!);
  assert.deepEqual(terminal.inputs, [run.op.inputs![0]]);
  // The previous step (echo made) is what the root input is.
  const previous = def.def!.find((b) => digestOf(b) === run.op.inputs![0].digest)!;
  assert.equal(pb.Op.decode(previous).exec?.meta?.args?.at(-1), "echo made > /w/made");
  assert.throws(() => inputDefinition(run, 5), /no input 5/);
});

test("the container gets the step's mounts with the refs given, and the shell its env, cwd and user on a tty", () => {
  const { definition, exec } = sent();
  const run = findFailedRun([definition], exec.digest)!;
  const request = failedRunContainer(run, ["root-ref", ""]);
  assert.deepEqual(request.mounts?.map((m) => [m.dest, m.resultID, m.mountType, m.cacheOpt?.id]), [
    ["/", "root-ref", pb.MountType.BIND, undefined],
    ["/cache", "", pb.MountType.CACHE, "c1"],
  ]);
  const init = failedRunShell(run, ["/bin/bash", "-l"]);
  assert.deepEqual(init.meta?.args, ["/bin/bash", "-l"]);
  assert.equal(init.meta?.cwd, "/w");
  assert.equal(init.meta?.user, "nobody");
  assert.ok(init.meta?.env?.includes("A=1"));
  assert.equal(init.tty, true);
  assert.deepEqual(init.fds, [0, 1, 2]);
});

test("commandText unwraps sh -c scripts and quotes other arguments as a shell would need", () => {
  assert.equal(commandText(["/bin/sh", "-c", "make test"]), "make test");
  assert.equal(commandText(["bash", "-c", "a && b"]), "a && b");
  assert.equal(commandText(["make", "it so", "x'y"]), `make 'it so' 'x'\\''y'`);
});
