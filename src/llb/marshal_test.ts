import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { image, local, scratch } from "../../mod.ts";
import { marshal } from "./marshal.ts";
import * as pb from "../proto/pb.gen.ts";

// Pin the platform so golden digests hold on any client architecture.
const P = { platform: "linux/amd64" } as const;

describe("marshal()", () => {
  test("an image source is one op plus the terminal op", () => {
    const { ops, definition } = marshal(image("busybox", P));
    assert.equal(ops.length, 2);
    const src = ops[0].op;
    assert.equal(src.source!.identifier, "docker-image://docker.io/library/busybox:latest");
    assert.deepEqual(src.platform, { architecture: "amd64", os: "linux", variant: undefined });
    assert.deepEqual(ops[1].op, { inputs: [{ digest: ops[0].digest, index: 0n }] });
    assert.deepEqual(definition!.metadata![ops[1].digest].caps, { constraints: true, platform: true });
    assert.deepEqual(definition!.metadata![ops[0].digest].caps, { "source.image": true });
  });

  test("golden digests: image source", () => {
    const { ops } = marshal(image("busybox", P));
    assert.equal(ops[0].digest, "sha256:08a03f3ffe5fba421a6403c31e153425ced631d108868f30e04985f99d69326e");
  });

  test("golden digests: run, env, workdir, user, copy, mkdir, mkfile", () => {
    const s = image("busybox", P).env("A", "1").workdir("/w").user("nobody")
      .run("echo hi > x").mkdir("d").mkfile("d/f", "data\n", { mode: 0o600 })
      .copy(scratch().mkfile("/s", "s"), "/s", "t/");
    const digests = marshal(s).ops.map((o) => o.digest);
    assert.deepEqual(digests, [
      "sha256:08a03f3ffe5fba421a6403c31e153425ced631d108868f30e04985f99d69326e",
      "sha256:66f415e713e417de2abdfc31cdb384a4c9fca934337a59fd691d7ca52b8c9b18",
      "sha256:beba119ddc605d8a8745c151cad387a667a3569c766fc9591ac44fefab55b959",
      "sha256:74761296d065fa4180eb66dc948190d527c7d359d507bd373c4af200cb757825",
      "sha256:fbe3bf2c889aceec40101b50c840e8ae5e1f68b6f6cd92e1e39fd73605bdb585",
      "sha256:d2068b609a7a5ded206e7aab4ff10c07199a803dff5d4528a56ee1ab31bc32b3",
      "sha256:8012947dc05458661be6f0c434ead2b4d36676ccabb111a8daea047d2eaee79e",
    ]);
  });

  test("the same graph gives the same bytes every time", () => {
    const build = () => image("busybox", P).run(["sh", "-c", "true"]).mkdir("/a");
    // Ops and metadata only: Bun drops `build`'s frame (a tail call), so the source map
    // points at the two different lines calling it.
    const a = { ...marshal(build()).definition!, source: undefined };
    const b = { ...marshal(build()).definition!, source: undefined };
    assert.deepEqual(pb.Definition.toBinary(a), pb.Definition.toBinary(b));
    const state = build();
    assert.deepEqual(
      pb.Definition.toBinary(marshal(state).definition!),
      pb.Definition.toBinary(marshal(state).definition!),
    );
  });

  test("exec op: args, env, cwd, user and the root mount", () => {
    const s = image("busybox", P).env("A", "1").env("B", "2").env("A", "3").workdir("/app").user("1000").run(
      "make",
    );
    const { ops } = marshal(s);
    const at = ops.findIndex((o) => o.op.exec);
    const exec = ops[at].op.exec!;
    assert.deepEqual(exec.meta, {
      args: ["/bin/sh", "-c", "make"],
      env: ["B=2", "A=3"],
      cwd: "/app",
      user: "1000",
      removeMountStubsRecursive: true,
    });
    assert.deepEqual(exec.mounts, [{
      input: 0n,
      selector: undefined,
      dest: "/",
      output: 0n,
      readonly: false,
      mountType: 0,
    }]);
    assert.deepEqual(ops[at].op.inputs, [{ digest: ops[at - 1].digest, index: 0n }]);
  });

  test("run on scratch mounts nothing as root (input -1)", () => {
    const { ops } = marshal(scratch().run(["/bin/true"]));
    assert.equal(ops[0].op.exec!.mounts![0].input, -1n);
    assert.deepEqual(ops[0].op.inputs, []);
  });

  test("file op: copy between states, with Dockerfile COPY defaults", () => {
    const from = image("busybox", P);
    const s = scratch().copy(from, "/src/bin", "/app/out/");
    const { ops } = marshal(s);
    const file = ops.find((o) => o.op.file?.actions?.some((a) => a.copy))!.op;
    assert.deepEqual(file.inputs, [{ digest: ops[0].digest, index: 0n }]);
    assert.deepEqual(file.file!.actions, [{
      input: -1n,
      secondaryInput: 0n,
      output: 0n,
      copy: {
        src: "/src/bin",
        dest: "/app/out/",
        owner: undefined,
        mode: -1,
        followSymlink: true,
        dirCopyContents: true,
        createDestPath: true,
        allowWildcard: true,
        allowEmptyWildcard: true,
        timestamp: -1n,
      },
    }]);
    assert.equal(file.platform, undefined, "file ops carry no platform, as in Go's llb");
  });

  test("file op: several sources chain as actions, later ones reading earlier results", () => {
    const src = image("busybox", P);
    const { ops } = marshal(scratch().copy(src, ["/a", "/b"], "/dst"));
    const actions = ops.at(-2)!.op.file!.actions!;
    assert.deepEqual(actions.map((a) => [a.input, a.secondaryInput, a.output, a.copy!.dest]), [
      [-1n, 0n, -1n, "/dst/"],
      [1n, 0n, 0n, "/dst/"],
    ]);
  });

  test("identical ops collapse into one definition entry", () => {
    const base = image("busybox", P);
    const s = base.copy(image("busybox", P), "/bin/sh", "/sh2");
    const { ops } = marshal(s);
    assert.equal(ops.length, 3);
    assert.equal(ops[1].op.inputs!.length, 1, "the same input is listed once");
  });

  test("local sources have a machine-independent name and report their directory", () => {
    const { ops, localDirs } = marshal(local("."));
    assert.equal(ops[0].op.source!.identifier, "local://.");
    assert.equal(ops[0].op.platform, undefined);
    assert.equal(localDirs.get("."), new URL(".", import.meta.url).pathname.replace(/\/$/, ""));
  });

  test("localUniqueKey adds a stable local.unique attr", () => {
    const a = marshal(local("."), { localUniqueKey: "k1" }).ops[0].op.source!.attrs!["local.unique"];
    const b = marshal(local("."), { localUniqueKey: "k1" }).ops[0].op.source!.attrs!["local.unique"];
    const c = marshal(local("."), { localUniqueKey: "k2" }).ops[0].op.source!.attrs!["local.unique"];
    assert.equal(a, b);
    assert.notEqual(a, c);
  });

  test("custom names travel in metadata, not in the op", () => {
    const { ops, definition } = marshal(image("busybox", P).run("true", { name: "my step" }));
    assert.deepEqual(definition!.metadata![ops[1].digest].description, { "llb.customname": "my step" });
    assert.equal(definition!.metadata![ops[2].digest].caps!["meta.description"], true);
  });

  test("records the build.ts location of each op", () => {
    const line = Number(new Error().stack!.split("\n")[1].match(/:(\d+):\d+\)?$/)![1]) + 1;
    const s = image("busybox", P).run("true");
    const { ops, locations } = marshal(s);
    const loc = locations.get(ops[1].digest)!;
    assert.match(loc.file, /marshal_test\.ts$/);
    assert.equal(loc.line, line);
  });
});
