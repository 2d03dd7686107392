// The LLB surface added after BuildKit 0.13: each option encodes as Go's llb writes it and lists the cap
// that makes an older engine refuse it by name, at its build.ts line.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { git, http, image, local, OptionError, scratch, secret } from "../../mod.ts";
import type * as pb from "../proto/pb.gen.ts";
import { CAP_FEATURES } from "./caps.ts";
import { CapabilityError, checkCaps } from "./caps_check.ts";
import { EngineCaps } from "./engine_caps.ts";
import { marshal } from "./marshal.ts";
import type { MarshalResult } from "./marshal_types.ts";

const P = { platform: "linux/amd64" } as const;
const SHA = "sha256:" + "ab".repeat(32);

/** The op made by the last call of `s`, and the caps its metadata lists. */
function last(r: MarshalResult): { op: pb.Op; caps: string[] } {
  const op = r.ops.at(-2)!;
  return { op: op.op, caps: Object.keys(r.definition!.metadata![op.digest].caps ?? {}).sort() };
}

describe("newer LLB options encode as Go's llb does", () => {
  test("symlink() is a FileActionSymlink at a path relative to the working directory", () => {
    const when = new Date("2020-01-01T00:00:00Z");
    const { op, caps } = last(marshal(
      image("busybox", P).workdir("/usr/bin").symlink("busybox", "vi", { chown: "1:2", timestamp: when }),
    ));
    assert.deepEqual(op.file!.actions![0].symlink, {
      oldpath: "busybox",
      newpath: "/usr/bin/vi",
      owner: { user: { byID: 1 }, group: { byID: 2 } },
      timestamp: BigInt(when.getTime()) * 1_000_000n,
    });
    assert.deepEqual(caps, ["file.base", "file.symlink.create"]);
  });

  test("run({ validExitCodes, devices }) fill Meta.validExitCodes and ExecOp.cdiDevices", () => {
    const { op, caps } = last(marshal(
      image("busybox", P).run("grep -q x /f", {
        validExitCodes: [0, 1],
        devices: ["vendor.com/gpu=0", { name: "vendor.com/fpga=all", optional: true }],
      }),
    ));
    assert.deepEqual(op.exec!.meta!.validExitCodes, [0, 1]);
    assert.deepEqual(op.exec!.cdiDevices, [
      { name: "vendor.com/gpu=0", optional: false },
      { name: "vendor.com/fpga=all", optional: true },
    ]);
    assert.ok(caps.includes("exec.validexitcode") && caps.includes("exec.meta.cdi"), caps.join(" "));
  });

  test("copy: a symbolic chmod goes in modeStr (mode 0), with replace and required paths", () => {
    const { op, caps } = last(marshal(
      scratch().copy(image("busybox", P), "/bin", "/out/", {
        chmod: "u+x,go-w",
        alwaysReplaceExistingDestPaths: true,
        include: ["sh", "ls"],
        requiredPaths: ["sh"],
      }),
    ));
    const copy = op.file!.actions![0].copy!;
    assert.deepEqual(
      [copy.mode, copy.modeStr, copy.alwaysReplaceExistingDestPaths, copy.requiredPaths],
      [0, "u+x,go-w", true, ["sh"]],
    );
    for (
      const cap of [
        "file.copy.modestring",
        "file.copy.alwaysreplaceexistingdestpaths",
        "file.copy.requiredpaths",
      ]
    ) {
      assert.ok(caps.includes(cap), cap);
    }
  });

  test("a numeric chmod needs no new cap and keeps the mode field", () => {
    const { op, caps } = last(
      marshal(scratch().copy(image("busybox", P), "/bin/sh", "/sh", { chmod: 0o755 })),
    );
    assert.equal(op.file!.actions![0].copy!.mode, 0o755);
    assert.equal(op.file!.actions![0].copy!.modeStr, undefined);
    assert.deepEqual(caps, ["file.base"]);
  });

  test("source attrs: image and git checksums, skipSubmodules, http headers and auth, metadata-only local", () => {
    const token = secret("hdr", { value: "Bearer x" });
    const sources = [
      image("busybox", { ...P, checksum: SHA }),
      git("https://example.com/a.git", { checksum: "a".repeat(40), skipSubmodules: true }),
      http("https://example.com/f", {
        headers: { accept: "text/plain", "user-agent": "drydock" },
        authHeaderSecret: token,
      }),
      local(".", { metadataOnly: { except: ["*.json"] }, dockerignore: false }),
    ];
    const got = sources.map((s) => last(marshal(s)));
    const attrs = got.map((g) => g.op.source!.attrs!);
    assert.equal(attrs[0]["image.checksum"], SHA);
    assert.ok(got[0].caps.includes("source.image.checksum"));
    assert.equal(attrs[1]["git.checksum"], "a".repeat(40));
    assert.equal(attrs[1]["git.skipsubmodules"], "true");
    assert.ok(
      got[1].caps.includes("source.git.checksum") && got[1].caps.includes("source.git.skipsubmodules"),
    );
    assert.deepEqual(
      [attrs[2]["http.header.accept"], attrs[2]["http.header.user-agent"], attrs[2]["http.authheadersecret"]],
      ["text/plain", "drydock", "hdr"],
    );
    assert.ok(got[2].caps.includes("source.http.header") && got[2].caps.includes("source.http.auth"));
    assert.deepEqual(
      [attrs[3]["local.metadatatransfer"], attrs[3]["local.metadatatransferexclude"]],
      ["true", '["*.json"]'],
    );
    assert.ok(got[3].caps.includes("source.local.metadatatransfer"));
    assert.ok(!JSON.stringify(attrs).includes("Bearer"), "only the secret's id is in the LLB");
  });

  test("an http auth secret is served by the session as a required secret", () => {
    const token = secret("hdr", { value: "v" });
    assert.deepEqual(
      [...marshal(http("https://example.com/f", { authHeaderSecret: token })).secrets.keys()],
      ["hdr"],
    );
  });
});

describe("newer LLB options on an engine without their caps", () => {
  test("each is refused by name and build.ts line before anything runs", () => {
    const line = Number(/:(\d+):\d+\)?$/.exec(new Error().stack!.split("\n")[1])![1]) + 1;
    const state = image("busybox", P).symlink("a", "/b").run("true", { validExitCodes: [0, 3] });
    // Every cap but the new ones, as Docker 26.1 (BuildKit 0.13) answers.
    const old = EngineCaps.fromPong({
      llbCaps: ["source.image", "exec.meta.base", "exec.mount.bind", "file.base", "constraints", "platform"]
        .map((id) => ({ id, enabled: true })),
    }, "the Docker engine at unix:///old.sock");
    assert.throws(() => checkCaps(marshal(state), old), (err: unknown) => {
      assert.ok(err instanceof CapabilityError);
      assert.match(
        err.message,
        new RegExp(
          `^symlink\\(\\) \\(at .*newer_features_test\\.ts:${line}:\\d+\\) needs the engine capability "file\\.symlink\\.create", which the Docker engine at unix:///old\\.sock does not have`,
          "m",
        ),
      );
      assert.match(
        err.message,
        new RegExp(
          `^run\\(\\{ validExitCodes \\}\\) \\(at .*:${line}:\\d+\\) needs the engine capability "exec\\.validexitcode"`,
          "m",
        ),
      );
      return true;
    });
  });

  test("every new cap has a feature name for that message", () => {
    for (
      const cap of [
        "file.symlink.create",
        "exec.validexitcode",
        "exec.meta.cdi",
        "file.copy.modestring",
        "file.copy.alwaysreplaceexistingdestpaths",
        "file.copy.requiredpaths",
        "source.git.checksum",
        "source.git.skipsubmodules",
        "source.image.checksum",
        "source.http.header",
        "source.http.auth",
        "source.local.metadatatransfer",
      ]
    ) assert.ok(CAP_FEATURES[cap], cap);
  });
});

describe("newer LLB options are validated", () => {
  const refused = (f: () => unknown, re: RegExp) =>
    assert.throws(f, (e: unknown) => e instanceof OptionError && re.test(e.message));

  test("bad values name the option", () => {
    refused(() => image("busybox").run("x", { validExitCodes: [256] }), /validExitCodes\.0.*at most 255/);
    refused(() => image("busybox").run("x", { devices: ["gpu"] }), /devices\.0.*CDI device name/);
    refused(() => scratch().copy(scratch(), "/a", "/b", { chmod: "rwx" }), /chmod.*symbolic mode/);
    refused(
      () => scratch().copy(scratch(), "/a", "/b", { requiredPaths: ["a"] }),
      /requiredPaths.*needs include patterns/,
    );
    refused(() => image("busybox", { checksum: "abc" }), /checksum.*sha256:/);
    refused(() => git("https://example.com/a.git", { checksum: "v1" }), /checksum.*full commit hash/);
    refused(
      () => http("https://example.com/f", { headers: { authorization: "x" } as never }),
      /headers.*no other header/,
    );
    refused(() => local(".", { metadataOnly: "yes" as never }), /metadataOnly/);
    refused(() => scratch().symlink("", "/b"), /oldpath.*must not be empty/);
  });
});
