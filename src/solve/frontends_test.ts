import { describe, test } from "node:test";
import { Buffer } from "node:buffer";
import assert from "node:assert/strict";
import { dockerfile, DrydockError, image, local } from "../../mod.ts";
import { CapabilityError } from "../llb/caps_check.ts";
import { EngineCaps } from "../llb/engine_caps.ts";
import { graphNodes } from "../llb/graph_walk.ts";
import { marshal } from "../llb/marshal.ts";
import type { SolveRequest } from "../proto/moby_buildkit_v1_frontend.gen.ts";
import * as pb from "../proto/pb.gen.ts";
import type { RpcClient } from "../transport/rpc.ts";
import { resolveFrontends } from "./frontends.ts";

const P = { platform: "linux/amd64" } as const;
const CAPS = EngineCaps.fromPong({
  frontendAPICaps: [{ id: "frontend.inputs", enabled: true }],
  llbCaps: ["source.local", "source.local.unique", "constraints", "platform", "meta.description"]
    .map((id) => ({ id, enabled: true })),
}, "the engine");

/** What a frontend would return: a definition ending in `state`. */
function frontendResult() {
  return marshal(image("busybox", P).run("echo from-the-dockerfile")).definition!;
}

/** An RpcClient that answers LLBBridge.Solve with `def` and records the requests. */
function fakeRpc(def: pb.Definition | undefined) {
  const requests: SolveRequest[] = [];
  const rpc = {
    unary: (_method: unknown, req: SolveRequest) => {
      requests.push(req);
      return Promise.resolve({ result: { ref: { id: "r1", def } } });
    },
  } as unknown as RpcClient;
  return { rpc, requests };
}

describe("dockerfile() resolution", () => {
  test("the frontend gets its options and our context definition; its ops are spliced in as they are", async () => {
    const built = dockerfile(local("/ctx"), { filename: "ci/Dockerfile", target: "t", args: { V: "1" } });
    const state = image("busybox", P).copy(built, "/out", "/out");
    const def = frontendResult();
    const { rpc, requests } = fakeRpc(def);
    const results = await resolveFrontends(rpc, {}, graphNodes(state), CAPS, { localUniqueKey: "k" });
    assert.equal(requests.length, 1);
    assert.equal(requests[0].frontend, "dockerfile.v0");
    assert.deepEqual(requests[0].frontendOpt, { filename: "ci/Dockerfile", target: "t", "build-arg:V": "1" });
    const context = requests[0].frontendInputs!.context;
    assert.deepEqual(context, requests[0].frontendInputs!.dockerfile);
    assert.equal(pb.Op.fromBinary(context.def![0]).source!.identifier, "local:///ctx");

    const whole = marshal(state, { localUniqueKey: "k", frontendResults: results });
    const sent = whole.definition!.def!;
    // Every frontend op but its terminal is in our definition, byte for byte, with its metadata.
    for (const bytes of def.def!.slice(0, -1)) {
      assert.ok(sent.some((b) => Buffer.from(b).equals(Buffer.from(bytes))));
    }
    const copy = whole.ops.at(-2)!.op;
    const frontendTerminal = pb.Op.fromBinary(def.def!.at(-1)!);
    assert.deepEqual(copy.inputs![1], frontendTerminal.inputs![0]);
  });

  test("marshalling without the frontend's result is refused; a preview uses a placeholder", () => {
    const state = dockerfile(local("/ctx"));
    assert.throws(() => marshal(state), (err: unknown) => {
      assert.ok(err instanceof DrydockError);
      assert.equal(err.code, "E_FRONTEND_UNRESOLVED");
      assert.match(
        err.message,
        /^dockerfile Dockerfile \(at .*frontends_test\.ts:\d+:\d+\): its steps come from/,
      );
      return true;
    });
    const preview = marshal(state, { previewFrontends: true });
    assert.deepEqual([...preview.localDirs], [["/ctx", "/ctx"]]);
  });

  test("an engine without frontend inputs fails naming dockerfile() and the line", async () => {
    const line = Number(/:(\d+):\d+\)?$/.exec(new Error().stack!.split("\n")[1])![1]) + 1;
    const state = dockerfile(local("/ctx"));
    const { rpc, requests } = fakeRpc(frontendResult());
    await assert.rejects(
      resolveFrontends(rpc, {}, graphNodes(state), EngineCaps.fromPong({}, "the old engine"), {}),
      (err: unknown) => {
        assert.ok(err instanceof CapabilityError);
        assert.match(
          err.message,
          new RegExp(
            `^dockerfile\\(\\) \\(at .*frontends_test\\.ts:${line}:\\d+\\) needs the engine capability "frontend\\.inputs", which the old engine does not have`,
          ),
        );
        return true;
      },
    );
    assert.equal(requests.length, 0);
  });

  test("inputs are checked against the engine's caps before the frontend runs", async () => {
    const state = dockerfile(local("/ctx", { include: ["src"] }));
    const { rpc, requests } = fakeRpc(frontendResult());
    await assert.rejects(
      resolveFrontends(rpc, {}, graphNodes(state), CAPS, {}),
      /local\(\{ include \}\) .*needs the engine capability "source\.local\.includepatterns"/,
    );
    assert.equal(requests.length, 0);
  });

  test("a frontend that returns no definition is an error", async () => {
    const { rpc } = fakeRpc(undefined);
    await assert.rejects(
      resolveFrontends(rpc, {}, graphNodes(dockerfile(local("/ctx"))), CAPS, {}),
      /the frontend returned no definition/,
    );
  });
});
