// git() credentials come from session secrets (a token or a whole Authorization header), reach the
// server, and never show in the definition or the progress stream.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BuildError, buildTargets, git, image, scratch, secret, type State } from "../../mod.ts";
import { marshal } from "../../src/llb/marshal.ts";
import * as pb from "../../src/proto/pb.gen.ts";
import { dk20, dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { type GitFixture, gitFixture } from "../support/git_fixture.ts";

const TOKEN = unique("tok");
const HEADER = `Bearer ${unique("hdr")}`;
let byToken: GitFixture;
let byHeader: GitFixture;
let out: string;

before(async () => {
  // BuildKit sends a token as basic auth for the user x-access-token.
  byToken = await gitFixture({
    authorization: `basic ${Buffer.from(`x-access-token:${TOKEN}`).toString("base64")}`,
  });
  byHeader = await gitFixture({ authorization: HEADER });
  out = mkdtempSync(join(tmpdir(), "drydock-out-"));
});

after(async () => {
  await byToken.close();
  await byHeader.close();
  rmSync(out, { recursive: true, force: true });
});

/** Builds on `engine`; returns the exported dir and everything the progress stream said. */
async function build(engine: TestEngine, name: string, state: State) {
  const dest = join(out, `${engine.name}-${name}`);
  const said: string[] = [];
  await buildTargets({ t: { state, output: { type: "local", dest } } }, {
    host: engine.host,
    onStatus: (_t, s) => {
      for (const v of s.vertexes ?? []) said.push(v.name ?? "", v.error ?? "");
      for (const l of s.logs ?? []) said.push(new TextDecoder().decode(l.msg));
    },
  });
  return { dir: dest, said: said.join("\n") };
}

function listed(repo: State): State {
  return scratch().copy(image("busybox").copy(repo, ".", "/o/").run("ls /o > /ls.txt"), "/ls.txt", "/ls.txt");
}

function authOn(engine: TestEngine | undefined, label: string) {
  test(`git() with a token secret and with a header secret on ${label}`, {
    skip: skipWithout(engine, label),
  }, async () => {
    const withToken = git(byToken.url, { ref: "v1", authTokenSecret: secret("git_token", { value: TOKEN }) });
    const withHeader = git(byHeader.url, {
      ref: "v1",
      authHeaderSecret: secret("git_header", { value: HEADER }),
    });
    const state = scratch()
      .copy(listed(withToken), "/ls.txt", "/token.txt")
      .copy(listed(withHeader), "/ls.txt", "/header.txt");
    const definition = pb.Definition.toBinary(marshal(state).definition!);
    const text = new TextDecoder().decode(definition);
    assert.ok(!text.includes(TOKEN) && !text.includes(HEADER), "no credential in the LLB");
    const { dir, said } = await build(engine!, "auth", state);
    assert.equal(readFileSync(join(dir, "token.txt"), "utf8"), "docs\ntop.txt\n");
    assert.equal(readFileSync(join(dir, "header.txt"), "utf8"), "docs\ntop.txt\n");
    assert.ok(!said.includes(TOKEN) && !said.includes(HEADER), "no credential in progress");
  });

  test(`git() without the secret is refused by the server on ${label}`, {
    skip: skipWithout(engine, label),
  }, async () => {
    const repo = git(byToken.url, { ref: "v1" });
    await assert.rejects(build(engine!, "noauth", listed(repo)), (err: unknown) => {
      assert.ok(err instanceof BuildError, String(err));
      // Docker 20.10 gives only git's exit status; 26.1 adds git's own complaint.
      assert.match(err.message, /failed to fetch remote http:\/\/127\.0\.0\.1:\d+\/repo\.git/);
      return true;
    });
  });
}

describe("git() credentials", () => {
  authOn(dk26c, "Docker 26.1 (containerd store)");
  authOn(dk28, "Docker 28.5 (containerd store)");
  authOn(dk20, "Docker 20.10");
});
