import { test } from "node:test";
import assert from "node:assert/strict";
import { image, local, scratch, secret } from "../../mod.ts";
import { compileLlb, formatLlb, llbDot } from "./compiled.ts";
import { marshal } from "./marshal.ts";
import * as pb from "../proto/pb.gen.ts";

test("compileLlb() gives the marshalled definition's bytes, its ops and what the solve needs, as plain data", () => {
  const token = secret("token", { value: "x" });
  const state = image("busybox").copy(local("ctx"), ".", "/app").run("cat /run/secrets/token", {
    mounts: { "/run/secrets/token": token },
  });
  const llb = compileLlb(state);
  const def = marshal(state).definition!;
  assert.deepEqual(llb.bytes, pb.Definition.encode(def).finish());
  assert.equal(llb.ops.length, def.def!.length);
  assert.deepEqual(Object.keys(llb.localDirs).length, 1);
  assert.deepEqual(llb.secrets, ["token"]);
  assert.deepEqual(llb.sshAgents, []);
  assert.ok(!new TextDecoder().decode(llb.bytes).includes('"x"'));
  assert.equal(formatLlb(llb).trimEnd().split("\n").length, llb.ops.length);
  assert.match(llbDot(llb), /^digraph \{/);
});

test("compileLlb() of scratch() is empty", () => {
  const llb = compileLlb(scratch());
  assert.equal(llb.bytes.length, 0);
  assert.deepEqual(llb.ops, []);
  assert.equal(formatLlb(llb), "");
});
