import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { gitIdentifier, parseGitRemote } from "./git_url.ts";

describe("parseGitRemote() / gitIdentifier()", () => {
  test("the same identifier for a remote over https and ssh, as Go's llb makes it", () => {
    const https = parseGitRemote("https://github.com/moby/buildkit.git#ignored");
    const ssh = parseGitRemote("git@github.com:moby/buildkit.git");
    assert.equal(https.remote, "https://github.com/moby/buildkit.git");
    assert.equal(ssh.scheme, "ssh");
    assert.equal(gitIdentifier(https, "v0.13.2"), "git://github.com/moby/buildkit.git#v0.13.2");
    assert.equal(gitIdentifier(ssh, "v0.13.2"), gitIdentifier(https, "v0.13.2"));
  });

  test("no scheme means https; ports stay in the host; subdir without ref", () => {
    assert.equal(parseGitRemote("example.com/x/y").remote, "https://example.com/x/y");
    const r = parseGitRemote("ssh://git@example.com:2222/x.git");
    assert.equal(gitIdentifier(r, undefined, "sub"), "git://example.com:2222/x.git#:sub");
  });
});
