// Messages a user should never see (raw zod, parseArgs, grpc-js internals, HTML, ENOENT stacks) are
// replaced by ones that say what is wrong and what to do.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { dk26c } from "../support/engines.ts";
import { runBuildFile } from "../support/runtime.ts";
import { plainGrpcDetails } from "../../src/transport/rpc.ts";

const BUILD = fileURLToPath(new URL("../fixtures/cli/cli_build.ts", import.meta.url));
const LOCAL_TWICE = fileURLToPath(new URL("../fixtures/cli/local_twice_build.ts", import.meta.url));
const NO_ENGINE = { DOCKER_HOST: "unix:///nonexistent/docker.sock", BUILDKIT_HOST: undefined };
const INTERNALS = /Waiting for LB pick|Resolution note|Invalid input|ambiguous|<html|ENOENT|\n\s+at /;

describe("messages", () => {
  let dir: string;
  let web: Server;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "drydock-messages-"));
    // A web server on a unix socket: answers every request with an HTML 404 page.
    web = createServer((c) => {
      c.on("error", () => {});
      c.once("data", () => {
        const body = "<html><body><h1>404 Not Found</h1></body></html>";
        c.end(
          `HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
        );
      });
    });
    await new Promise<void>((r) => web.listen(join(dir, "web.sock"), r));
    writeFileSync(join(dir, "regular"), "");
  });
  after(() => {
    web.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const fails = async (args: string[], env: Record<string, string | undefined>, code: number) => {
    const r = await runBuildFile(BUILD, args, env);
    assert.equal(r.code, code, r.stderr);
    assert.doesNotMatch(r.stderr, INTERNALS);
    return r.stderr;
  };

  test("DOCKER_HOST at a web server: no HTML, it is not a Docker Engine API socket", async () => {
    const err = await fails(
      [],
      { DOCKER_HOST: `unix://${join(dir, "web.sock")}`, BUILDKIT_HOST: undefined },
      1,
    );
    assert.match(
      err,
      /GET \/_ping answered HTTP 404: an HTML page, so this is not a Docker Engine API socket/,
    );
  });

  test("BUILDKIT_HOST at a web server: no grpc-js internals", async () => {
    const err = await fails([], { BUILDKIT_HOST: `unix://${join(dir, "web.sock")}` }, 1);
    assert.match(err, /BUILDKIT_HOST: (unavailable: no connection|no answer)/);
  });

  test("an engine address that is a regular file is called one, not 'connection refused'", async () => {
    const err = await fails(
      [],
      { DOCKER_HOST: `unix://${join(dir, "regular")}`, BUILDKIT_HOST: undefined },
      1,
    );
    assert.match(err, /DOCKER_HOST: that path is a regular file, not a socket/);
  });

  test("BUILDKIT_HOST at a Docker socket suggests DOCKER_HOST", { skip: !dk26c && "dk26c" }, async () => {
    const err = await fails([], { BUILDKIT_HOST: `unix://${dk26c!.socket}` }, 1);
    assert.match(err, new RegExp(`this is a Docker Engine socket; use DOCKER_HOST=unix://${dk26c!.socket}`));
  });

  test("flags: a missing dest, a missing value, a bad secret id, a missing metadata directory", async () => {
    assert.match(await fails(["-o", "type=local"], NO_ENGINE, 2), /--output "type=local": needs dest=\.\.\./);
    assert.match(await fails(["--platform", "--dry-run"], NO_ENGINE, 2), /--platform needs a value/);
    assert.match(
      await fails(["--secret", "id=a b,env=X", "--dry-run"], NO_ENGINE, 2),
      /--secret "id=a b,env=X": id "a b" must not contain whitespace/,
    );
    assert.match(
      await fails(["--metadata-file", join(dir, "missing/m.json")], NO_ENGINE, 2),
      /--metadata-file .*missing\/m\.json: directory .*missing does not exist/,
    );
  });

  test("two local() calls giving two directories one name: both build.ts lines, no stack", async () => {
    const r = await runBuildFile(LOCAL_TWICE, ["--dry-run"], NO_ENGINE);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /local\(\): option "dir" gets the engine name "src", which local\(".*cli\/src"\) at .*local_twice_build\.ts:5:\d+ already has/,
    );
    assert.match(r.stderr, /nested\/helper\.ts:4:\d+/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  test("plainGrpcDetails() drops grpc-js internals", () => {
    assert.equal(
      plainGrpcDetails(
        "No connection established. Last error: write EPIPE (2026-12-06T11:31:50.400Z). Resolution note: ",
      ),
      "no connection (write EPIPE)",
    );
    assert.equal(
      plainGrpcDetails(
        "Deadline exceeded after 5.003s,name resolution: 0.027s,metadata filters: 0.006s,Waiting for LB pick",
      ),
      "no answer within 5.003s",
    );
    assert.equal(plainGrpcDetails("failed to solve: exit code 1"), "failed to solve: exit code 1");
  });
});
