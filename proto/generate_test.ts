import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { staleFiles, tsFieldName } from "./generate.ts";
import { Definition, Op, OpMetadata, UserOpt } from "../src/proto/pb.gen.ts";
import { Packet, Stat } from "../src/proto/fsutil_types.gen.ts";

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");

describe("proto/generate.ts", () => {
  test("generated code in src/proto is up to date with proto/", () => {
    assert.deepEqual(staleFiles(), [], "run `deno task proto` and commit the result");
  });

  test("field names become camelCase without losing acronyms", () => {
    assert.deepEqual(
      ["ID", "Ref", "SSHOpt", "include_patterns", "FrontendAPICaps", "OSVersion", "secretenv", "TmpfsOpt"]
        .map(tsFieldName),
      ["id", "ref", "sshOpt", "includePatterns", "frontendAPICaps", "osVersion", "secretenv", "tmpfsOpt"],
    );
  });
});

describe("generated encoders", () => {
  test("write an empty message field that is present, as Go does", () => {
    assert.equal(hex(Op.toBinary({ constraints: {} })), "5a 00");
  });

  test("write fields outside the oneof first and the oneof member last, as Go protobuf does", () => {
    // BuildKit >= 0.18 re-encodes each op this way and reports that digest: a docker-image source as
    // dockerd 28's Dockerfile frontend writes it is `52 platform, 5a 00 constraints, 1a source`.
    const op = {
      source: { identifier: "x" },
      platform: { architecture: "amd64", os: "linux" },
      constraints: {},
    };
    assert.equal(
      hex(Op.toBinary(op)),
      "52 0e 0a 05 61 6d 64 36 34 12 05 6c 69 6e 75 78 5a 00 1a 03 0a 01 78",
    );
    const back = Op.fromBinary(Op.toBinary(op));
    assert.deepEqual([back.source?.identifier, back.platform?.os], ["x", "linux"]);
  });

  test("omit proto3 zero scalars", () => {
    assert.equal(hex(Op.toBinary({ inputs: [{ digest: "", index: 0n }] })), "0a 00");
  });

  test("keep a oneof member that is zero (uid 0)", () => {
    assert.equal(hex(UserOpt.toBinary({ byID: 0 })), "10 00");
  });

  test("encode int64 -1 as a 10-byte varint", () => {
    assert.equal(hex(Op.toBinary({ inputs: [{ index: -1n }] })), "0a 0b 10 ff ff ff ff ff ff ff ff ff 01");
  });

  test("sort map entries bytewise by key, whatever the insertion order", () => {
    const a = OpMetadata.toBinary({ caps: { "source.local": true, "exec.meta.base": true, "Z": false } });
    const b = OpMetadata.toBinary({ caps: { "Z": false, "exec.meta.base": true, "source.local": true } });
    assert.equal(hex(a), hex(b));
    const decoded = OpMetadata.fromBinary(a);
    assert.deepEqual(Object.keys(decoded.caps!), ["Z", "exec.meta.base", "source.local"]);
  });

  test("round-trip nanosecond times beyond 2^53 exactly", () => {
    const modTime = 1_732_000_000_123_456_789n;
    const p = Packet.fromBinary(Packet.toBinary({ type: 0, stat: { path: "a", modTime, size: 3n } }));
    assert.equal(p.stat!.modTime, modTime);
    assert.equal(p.stat!.size, 3n);
  });

  test("decode map of message values and default absent scalars", () => {
    const def = Definition.fromBinary(Definition.toBinary({
      def: [new Uint8Array([1, 2])],
      metadata: { "sha256:x": { description: { "llb.customname": "hi" } } },
    }));
    assert.equal(def.metadata!["sha256:x"].description!["llb.customname"], "hi");
    assert.equal(def.metadata!["sha256:x"].ignoreCache, false);
  });

  test("decode xattrs map with bytes values", () => {
    const s = Stat.fromBinary(
      Stat.toBinary({ path: "f", xattrs: { "user.b": new Uint8Array([2]), "user.a": new Uint8Array([1]) } }),
    );
    assert.deepEqual(Object.keys(s.xattrs!), ["user.a", "user.b"]);
    assert.deepEqual([...s.xattrs!["user.b"]], [2]);
  });
});
