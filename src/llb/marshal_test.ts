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
    assert.equal(ops[0].digest, "sha256:e1432b8e2054abb034451c15f0a8ad49d07f5892ca266016226fec77e95d20a0");
  });

  test("golden digests: run, env, workdir, user, copy, mkdir, mkfile", () => {
    const s = image("busybox", P).env("A", "1").workdir("/w").user("nobody")
      .run("echo hi > x").mkdir("d").mkfile("d/f", "data\n", { mode: 0o600 })
      .copy(scratch().mkfile("/s", "s"), "/s", "t/");
    const digests = marshal(s).ops.map((o) => o.digest);
    assert.deepEqual(digests, [
      "sha256:e1432b8e2054abb034451c15f0a8ad49d07f5892ca266016226fec77e95d20a0",
      "sha256:a7877ff1e23c186af4e1e018daf24ce40eb164642f5645298657ed310211a87b",
      "sha256:3a1d24089c7b168afa6114876fa46e13136568797ab136a0aa97dff5aecfb2b8",
      "sha256:2b1c4ce0b567e20be222030e137d014a68fadc37f8256c15cd502e89d1666c2d",
      "sha256:260873425e673791f4ad5a52b4c7ed31131dcd5b2df56323d92e0ff77196337b",
      "sha256:5dd9aa4e1faa1a11059877d7434d0911d40d76f433f044abb7a4e354be1a2050",
      "sha256:2519265ea3db998d481ec15f8bdab5846fd0bbf7783b1ce93ea93ade6dc4231c",
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
