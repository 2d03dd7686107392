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
import { frontendDefaults, resolveFrontends } from "./frontends.ts";

const P = { platform: "linux/amd64" } as const;
const CAPS = EngineCaps.fromPong({
  frontendAPICaps: [{ id: "frontend.inputs", enabled: true }],
  llbCaps: [
    "source.image",
    "source.local",
    "source.local.unique",
    "source.local.followpaths",
    "source.local.sharedkeyhint",
    "constraints",
    "platform",
    "meta.description",
    "file.base",
    "file.mkfile",
  ]
    .map((id) => ({ id, enabled: true })),
}, "the engine");

/** What a frontend would return: a definition ending in `state`. */
function frontendResult() {
  return marshal(image("busybox", P).run("echo from-the-dockerfile")).definition!;
}

/** An RpcClient that answers LLBBridge.Solve with `def` (and `config` as metadata) and records the requests. */
function fakeRpc(def: pb.Definition | undefined, config?: unknown) {
  const requests: SolveRequest[] = [];
  const metadata = config
    ? { "containerimage.config": new TextEncoder().encode(JSON.stringify(config)) }
    : {};
  const rpc = {
    unary: (_method: unknown, req: SolveRequest) => {
      requests.push(req);
      return Promise.resolve({ result: { ref: def ? { id: "r1", def } : {}, metadata } });
    },
  } as unknown as RpcClient;
  return { rpc, requests };
}

/** The source op of an input definition. */
function sourceOf(def: pb.Definition) {
  return pb.Op.fromBinary(def.def![0]).source!;
}

describe("dockerfile() resolution", () => {
  test("the frontend gets its options and our context definition; its ops are spliced in as they are", async () => {
    const built = dockerfile(local("/ctx"), { filename: "ci/Dockerfile", target: "t", args: { V: "1" } });
    const state = image("busybox", P).copy(built, "/out", "/out");
    const def = frontendResult();
    const { rpc, requests } = fakeRpc(def);
    const { definitions: results } = await resolveFrontends(rpc, {}, graphNodes(state), CAPS, {
      localUniqueKey: "k",
    });
    assert.equal(requests.length, 1);
    assert.equal(requests[0].frontend, "dockerfile.v0");
    assert.deepEqual(requests[0].frontendOpt, { filename: "ci/Dockerfile", target: "t", "build-arg:V": "1" });
    const context = requests[0].frontendInputs!.context;
    assert.equal(sourceOf(context).identifier, "local:///ctx");
    // The Dockerfile comes from the same directory on its own, so .dockerignore cannot hide it.
    const df = sourceOf(requests[0].frontendInputs!.dockerfile);
    assert.equal(df.identifier, "local:///ctx");
    assert.equal(
      df.attrs!["local.followpaths"],
      '["ci/Dockerfile","ci/Dockerfile.dockerignore","ci/dockerfile"]',
    );
    assert.equal(df.attrs!["local.excludepatterns"], undefined);

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

  test("a frontend that returns an id without a definition is an error", async () => {
    const rpc = {
      unary: () => Promise.resolve({ result: { ref: { id: "r1" } } }),
    } as unknown as RpcClient;
    await assert.rejects(
      resolveFrontends(rpc, {}, graphNodes(dockerfile(local("/ctx"))), CAPS, {}),
      /the frontend returned no definition/,
    );
  });

  test("an empty result is the empty filesystem: steps on it start from scratch", async () => {
    const built = dockerfile(local("/ctx"));
    const { rpc } = fakeRpc(undefined, { config: { Env: ["A=1"] } });
    const { definitions } = await resolveFrontends(rpc, {}, graphNodes(built), CAPS, {});
    assert.equal(marshal(built, { frontendResults: definitions }).definition, undefined);
    const on = marshal(built.mkfile("/x", "x"), { frontendResults: definitions });
    assert.equal(on.ops.at(-2)!.op.file!.actions![0].input, -1n);
  });

  test("the frontend's image config is what later steps and the export start from", async () => {
    const built = dockerfile(local("/ctx"), { platform: "linux/amd64" });
    const image = {
      architecture: "amd64",
      os: "linux",
      config: { Env: ["PATH=/opt", "A=1"], WorkingDir: "/app" },
    };
    const { rpc } = fakeRpc(frontendResult(), image);
    const { definitions, images } = await resolveFrontends(rpc, {}, graphNodes(built), CAPS, {});
    const key = [...images.keys()][0];
    assert.match(key, /^dockerfile\(\)#\d+ linux\/amd64$/);
    const step = built.env("B", "2").workdir("sub").run("pwd");
    const baseConfigs = new Map([[key, images.get(key)!.config!]]);
    const exec = marshal(step, { frontendResults: definitions, baseConfigs }).ops.at(-2)!.op.exec!;
    assert.deepEqual(exec.meta!.env, ["PATH=/opt", "A=1", "B=2"]);
    assert.equal(exec.meta!.cwd, "/app/sub");
  });

  test("file, content and contexts become the frontend's inputs and options", async () => {
    const base = image("busybox", P);
    const built = dockerfile(local("/ctx"), {
      content: "FROM base\n",
      contexts: { base, alpine: "docker-image://alpine:3.20", context: local("/other") },
      noCache: ["build"],
    });
    const { rpc, requests } = fakeRpc(frontendResult());
    await resolveFrontends(rpc, {}, graphNodes(built), CAPS, {});
    const { frontendOpt, frontendInputs } = requests[0];
    assert.deepEqual(frontendOpt, {
      filename: "Dockerfile",
      "no-cache": "build",
      "frontend.caps": "moby.buildkit.frontend.contexts+forward",
      "context:base": "input:named-context:base",
      "context:alpine": "docker-image://alpine:3.20",
      "context:context": "input:named-context:context",
    });
    assert.equal(sourceOf(frontendInputs!.context).identifier, "local:///ctx");
    assert.equal(sourceOf(frontendInputs!["named-context:context"]).identifier, "local:///other");
    assert.equal(
      sourceOf(frontendInputs!["named-context:base"]).identifier,
      "docker-image://docker.io/library/busybox:latest",
    );
    const mkfile = pb.Op.fromBinary(frontendInputs!.dockerfile.def!.at(-2)!).file!.actions![0].mkfile!;
    assert.equal(new TextDecoder().decode(mkfile.data), "FROM base\n");

    const outside = dockerfile(local("/ctx"), { file: "/elsewhere/ci/Dockerfile.app" });
    const second = fakeRpc(frontendResult());
    await resolveFrontends(second.rpc, {}, graphNodes(outside), CAPS, {});
    assert.equal(second.requests[0].frontendOpt!.filename, "Dockerfile.app");
    const df = sourceOf(second.requests[0].frontendInputs!.dockerfile);
    assert.equal(df.identifier, "local:///elsewhere/ci");
    assert.equal(df.attrs!["local.followpaths"], '["Dockerfile.app","Dockerfile.app.dockerignore"]');
  });

  test("the build's args, --no-cache and platform reach every frontend; a node's own args win", async () => {
    const built = dockerfile(local("/ctx"), { args: { http_proxy: "http://own" } });
    const { rpc, requests } = fakeRpc(frontendResult());
    const defaults = frontendDefaults(
      {
        exports: {
          frontendAttrs: {
            "build-arg:SOURCE_DATE_EPOCH": "0",
            "build-arg:http_proxy": "http://build",
            "attest:provenance": "mode=min",
          },
        },
        noCache: true,
      },
      { os: "linux", architecture: "arm64" },
    );
    await resolveFrontends(rpc, {}, graphNodes(built), CAPS, {}, defaults);
    assert.deepEqual(requests[0].frontendOpt, {
      filename: "Dockerfile",
      "build-arg:SOURCE_DATE_EPOCH": "0",
      "build-arg:http_proxy": "http://own",
      "no-cache": "",
      platform: "linux/arm64",
    });
  });
});
