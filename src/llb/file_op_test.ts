import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { image, scratch } from "../../mod.ts";
import { marshal } from "./marshal.ts";

const P = { platform: "linux/amd64" } as const;

function fileOps(s: Parameters<typeof marshal>[0]) {
  const r = marshal(s);
  return { r, files: r.ops.filter((o) => o.op.file) };
}

describe("file op", () => {
  test("copy encodes every option", () => {
    const src = image("busybox", P);
    const when = new Date("2020-01-01T00:00:00Z");
    const { files, r } = fileOps(
      scratch().copy(src, "/bin", "/out/", {
        include: ["*.so"],
        exclude: ["*.a"],
        followSymlinks: false,
        contentsOnly: false,
        createDestPath: false,
        allowWildcard: false,
        allowEmptyWildcard: false,
        chown: "app:1",
        chmod: 0o4755,
        timestamp: when,
      }),
    );
    assert.deepEqual(files[0].op.file!.actions, [{
      input: -1n,
      secondaryInput: 0n,
      output: 0n,
      copy: {
        src: "/bin",
        dest: "/out/",
        owner: { user: { byName: { name: "app", input: -1n } }, group: { byID: 1 } },
        mode: 0o4755,
        followSymlink: false,
        dirCopyContents: false,
        createDestPath: false,
        allowWildcard: false,
        allowEmptyWildcard: false,
        timestamp: BigInt(when.getTime()) * 1_000_000n,
        includePatterns: ["*.so"],
        excludePatterns: ["*.a"],
      },
    }]);
    assert.deepEqual(r.definition!.metadata![files[0].digest].caps, {
      "file.base": true,
      "file.copy.includeexcludepatterns": true,
    });
  });

  test("owners: names resolve in the action's own input, root and numbers are ids", () => {
    const { files } = fileOps(
      image("busybox", P).mkdir("/a", { chown: "root:staff" }).mkfile("/a/f", "x", {
        chown: { user: 7, group: "wheel" },
      }),
    );
    const [mkdir, mkfile] = files[0].op.file!.actions!;
    assert.deepEqual(mkdir.mkdir!.owner, {
      user: { byID: 0 },
      group: { byName: { name: "staff", input: 0n } },
    });
    assert.deepEqual(mkfile.input, 1n, "the second action reads the first's result");
    assert.deepEqual(mkfile.mkfile!.owner, {
      user: { byID: 7 },
      group: { byName: { name: "wheel", input: 1n } },
    });
  });

  test("rm: allowNotFound and a wildcard (which needs its cap)", () => {
    const { files, r } = fileOps(
      image("busybox", P).rm("/tmp/*.log", { allowWildcard: true, allowNotFound: true }),
    );
    assert.deepEqual(files[0].op.file!.actions![0].rm, {
      path: "/tmp/*.log",
      allowNotFound: true,
      allowWildcard: true,
    });
    assert.equal(r.definition!.metadata![files[0].digest].caps!["file.rm.wildcard"], true);
    const plain = fileOps(image("busybox", P).rm("x"));
    assert.deepEqual(plain.files[0].op.file!.actions![0].rm, {
      path: "/x",
      allowNotFound: false,
      allowWildcard: false,
    });
    assert.deepEqual(plain.r.definition!.metadata![plain.files[0].digest].caps, { "file.base": true });
  });

  test("mkdir, mkfile and rm steps chain into one FileOp, named after each step", () => {
    const { files, r } = fileOps(image("busybox", P).mkdir("/a").mkfile("/a/f", "x").rm("/a/old"));
    assert.equal(files.length, 1);
    assert.deepEqual(files[0].op.file!.actions!.map((a) => [a.input, a.output]), [[0n, -1n], [1n, -1n], [
      2n,
      0n,
    ]]);
    assert.deepEqual(r.definition!.metadata![files[0].digest].description, {
      "llb.customname": "MKDIR /a; MKFILE /a/f; RM /a/old",
    });
    assert.equal(
      r.definition!.source!.locations![files[0].digest].locations!.length,
      3,
      "one location per call",
    );
  });

  test("copies keep their own op (Dockerfile COPY parity); a step used twice is not chained", () => {
    const src = image("busybox", P);
    assert.equal(fileOps(scratch().copy(src, "/a", "/a").copy(src, "/b", "/b")).files.length, 2);
    assert.equal(fileOps(scratch().mkdir("/a").copy(src, "/b", "/b")).files.length, 2);
    assert.equal(
      fileOps(scratch().copy(src, "/b", "/b").mkdir("/a")).files.length,
      1,
      "mkdir joins the copy",
    );
    const shared = scratch().mkdir("/a");
    const both = shared.mkfile("/a/x", "x").copy(shared.mkfile("/a/y", "y"), "/a/y", "/y");
    assert.equal(fileOps(both).files.length, 4, "shared mkdir, two mkfiles and the copy");
  });

  test("dir() copies a subtree to the root of an empty filesystem", () => {
    const { files } = fileOps(image("busybox", P).workdir("/usr").dir("lib"));
    assert.deepEqual(files.find((f) => f.op.file!.actions![0].copy)!.op.file!.actions![0], {
      input: -1n,
      secondaryInput: 0n,
      output: 0n,
      copy: {
        src: "/usr/lib",
        dest: "/",
        owner: undefined,
        mode: -1,
        followSymlink: true,
        dirCopyContents: true,
        createDestPath: true,
        allowWildcard: false,
        allowEmptyWildcard: false,
        timestamp: -1n,
      },
    });
  });
});
