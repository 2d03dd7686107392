import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { git, http, image, local, secret, ssh } from "../../mod.ts";
import * as pb from "../proto/pb.gen.ts";
import { marshal } from "./marshal.ts";

const P = { platform: "linux/amd64" } as const;

function sourceOf(result: ReturnType<typeof marshal>) {
  const op = result.ops[0];
  return { op: op.op, digest: op.digest, caps: result.definition!.metadata![op.digest].caps };
}

describe("image() options", () => {
  test('resolveMode "pull" writes the attr and needs its cap (golden)', () => {
    const s = sourceOf(marshal(image("busybox", { ...P, resolveMode: "pull" })));
    assert.deepEqual(s.op.source!.attrs, { "image.resolvemode": "pull" });
    assert.deepEqual(s.caps, { "source.image": true, "source.image.resolvemode": true });
    assert.equal(s.digest, "sha256:37285320eec0d460fd8ed012f78e9199b2ab9dbd5b30de6d68ed7f8483e60123");
  });

  test('resolveMode "local" writes the attr without the cap; "default" writes nothing, as Go does', () => {
    const l = sourceOf(marshal(image("busybox", { ...P, resolveMode: "local" })));
    assert.deepEqual(l.op.source!.attrs, { "image.resolvemode": "local" });
    assert.deepEqual(l.caps, { "source.image": true });
    const d = sourceOf(marshal(image("busybox", { ...P, resolveMode: "default" })));
    assert.deepEqual(d.op.source!.attrs, {});
    assert.equal(d.digest, sourceOf(marshal(image("busybox", P))).digest);
  });

  test("platform sets the op platform", () => {
    const s = sourceOf(marshal(image("busybox", { platform: "linux/arm64/v8" })));
    assert.deepEqual(s.op.platform, { os: "linux", architecture: "arm64", variant: "v8" });
  });

  test("bad options name the option", () => {
    assert.throws(
      () => image("busybox", { resolveMode: "always" as "pull" }),
      /image\(\): option "resolveMode"/,
    );
  });
});

describe("local() options", () => {
  test("patterns as JSON arrays, Go's attr names, caps per attr (golden)", () => {
    const s = sourceOf(marshal(
      local("/ctx", {
        include: ["src/**", "a<b"],
        exclude: ["node_modules"],
        followPaths: ["src"],
        sharedKeyHint: "app",
      }),
    ));
    assert.equal(s.op.source!.identifier, "local:///ctx");
    assert.deepEqual(s.op.source!.attrs, {
      "local.includepattern": '["src/**","a\\u003cb"]',
      "local.excludepatterns": '["node_modules"]',
      "local.followpaths": '["src"]',
      "local.sharedkeyhint": "app",
    });
    assert.deepEqual(s.caps, {
      "source.local": true,
      "source.local.excludepatterns": true,
      "source.local.followpaths": true,
      "source.local.includepatterns": true,
      "source.local.sharedkeyhint": true,
    });
    assert.equal(s.op.platform, undefined);
    assert.equal(s.digest, "sha256:2c74ca43419dbb39df0206ac5947a26a4ec5ea1b6f575aa1a69f2c9130c0973e");
  });

  test(".dockerignore patterns come first, then the call's own", () => {
    const localExcludes = new Map([["/ctx", ["*.log", "!keep.log"]]]);
    const s = sourceOf(marshal(local("/ctx", { exclude: ["tmp"] }), { localExcludes }));
    assert.equal(s.op.source!.attrs!["local.excludepatterns"], '["*.log","!keep.log","tmp"]');
  });

  test("dockerignore: false ignores .dockerignore", () => {
    const localExcludes = new Map([["/ctx", ["*.log"]]]);
    const s = sourceOf(marshal(local("/ctx", { dockerignore: false }), { localExcludes }));
    assert.deepEqual(s.op.source!.attrs, {});
  });

  test("empty pattern lists are left out", () => {
    assert.deepEqual(sourceOf(marshal(local("/ctx", { include: [], exclude: [] }))).op.source!.attrs, {});
  });
});

describe("git()", () => {
  test("https remote with ref and subdir: Go's identifier, default auth secret names, caps (golden)", () => {
    const s = sourceOf(marshal(git("https://example.com/team/app.git", { ref: "v1", subdir: "docs" })));
    assert.equal(s.op.source!.identifier, "git://example.com/team/app.git#v1:docs");
    assert.deepEqual(s.op.source!.attrs, {
      "git.authheadersecret": "GIT_AUTH_HEADER",
      "git.authtokensecret": "GIT_AUTH_TOKEN",
      "git.fullurl": "https://example.com/team/app.git",
    });
    assert.deepEqual(s.caps, { "source.git": true, "source.git.fullurl": true, "source.git.subdir": true });
    assert.equal(s.op.platform, undefined);
    assert.equal(s.digest, "sha256:1ff1754969a0fa97325728164609c5eacebfbd44ca4b9cda36f234c6b1fab6d4");
  });

  test("keepGitDir and custom auth secrets", () => {
    const s = sourceOf(marshal(git("http://127.0.0.1:8080/r.git", {
      keepGitDir: true,
      authTokenSecret: "TOKEN",
      authHeaderSecret: "HEADER",
    })));
    assert.equal(s.op.source!.identifier, "git://127.0.0.1:8080/r.git");
    assert.equal(s.op.source!.attrs!["git.keepgitdir"], "true");
    assert.equal(s.op.source!.attrs!["git.authtokensecret"], "TOKEN");
    assert.equal(s.op.source!.attrs!["git.authheadersecret"], "HEADER");
    assert.ok(s.caps!["source.git.keepgitdir"]);
    assert.ok(s.caps!["source.git.httpauth"]);
  });

  test("secret() and ssh() values: their ids in the attrs, their uses in the result, values nowhere", () => {
    const token = secret("gh_token", { value: "s3cr3t-value" });
    const result = marshal(git("https://example.com/r.git", { authTokenSecret: token }));
    assert.equal(result.ops[0].op.source!.attrs!["git.authtokensecret"], "gh_token");
    assert.equal(result.secrets.get("gh_token")?.optional, true);
    assert.ok(!new TextDecoder().decode(pb.Definition.toBinary(result.definition!)).includes("s3cr3t-value"));
    const agent = ssh("deploy");
    const viaSsh = marshal(git("git@example.com:r.git", { sshSocket: agent }));
    assert.equal(viaSsh.ops[0].op.source!.attrs!["git.mountsshsock"], "deploy");
    assert.ok(viaSsh.sshAgents.has("deploy"));
  });

  test("SSH remotes mount the agent socket and carry known hosts", () => {
    const s = sourceOf(marshal(git("git@example.com:team/app.git", {
      knownSshHosts: "example.com ssh-ed25519 AAAA",
      sshSocket: "deploy",
    })));
    assert.equal(s.op.source!.identifier, "git://example.com/team/app.git");
    assert.equal(s.op.source!.attrs!["git.fullurl"], "git@example.com:team/app.git");
    assert.equal(s.op.source!.attrs!["git.knownsshhosts"], "example.com ssh-ed25519 AAAA\n");
    assert.equal(s.op.source!.attrs!["git.mountsshsock"], "deploy");
    assert.ok(s.caps!["source.git.mountsshsock"] && s.caps!["source.git.knownsshhosts"]);
  });

  test("credentials in the URL are refused, so they never reach the LLB", () => {
    assert.throws(
      () => git("https://user:tok@example.com/r.git"),
      /git\(\): option "url" must not carry credentials/,
    );
    assert.throws(() => git("ftp://example.com/r.git"), /git\(\): option "url" is not a git remote/);
    assert.throws(
      () => git("https://example.com/r.git#main"),
      /git\(\): option "url" must not have a "#fragment"/,
    );
    assert.throws(() => git("https://example.com/r.git", { ref: "a:b" }), /git\(\): option "ref"/);
  });
});

describe("http()", () => {
  test("checksum, filename, chmod, chown as Go writes them (golden)", () => {
    const checksum = "sha256:" + "ab".repeat(32);
    const s = sourceOf(marshal(http("https://example.com/tool.tgz", {
      checksum,
      filename: "tool.tar.gz",
      chmod: 0o755,
      chown: { uid: 1000, gid: 1001 },
    })));
    assert.equal(s.op.source!.identifier, "https://example.com/tool.tgz");
    assert.deepEqual(s.op.source!.attrs, {
      "http.checksum": checksum,
      "http.filename": "tool.tar.gz",
      "http.gid": "1001",
      "http.perm": "0755",
      "http.uid": "1000",
    });
    assert.deepEqual(s.caps, {
      "soruce.http.uidgid": true,
      "source.http": true,
      "source.http.checksum": true,
      "source.http.perm": true,
    });
    assert.equal(s.digest, "sha256:f0f047eb5af30a15f51ca7fa0b1fe30db1f24506f01d8022d38208f5ddbd6067");
  });

  test("bad options name the option", () => {
    assert.throws(() => http("file:///etc/passwd"), /http\(\): option "url" must be an http/);
    assert.throws(() => http("https://x/y", { checksum: "md5:1" }), /http\(\): option "checksum"/);
    assert.throws(() => http("https://x/y", { filename: "a/b" }), /http\(\): option "filename"/);
    assert.throws(() => http("https://x/y", { chown: { uid: -1, gid: 0 } }), /http\(\): option "chown\.uid"/);
  });
});
