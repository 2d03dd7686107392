import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { convertDockerfile } from "./convert.ts";
import { runConvert } from "./cli.ts";

const DOCKERFILE = `# syntax=docker/dockerfile:1
ARG BASE_TAG=latest

# the builder
FROM busybox:\${BASE_TAG} AS build-env
WORKDIR /src
COPY --chown=1000:1000 go.mod ./
RUN --mount=type=cache,target=/root/.cache \\
    --mount=type=secret,id=token,env=TOKEN \\
    make build
ENV PATH=/src/bin:$PATH

FROM scratch
COPY --from=build-env src/out /app/
USER 1000
ENTRYPOINT ["/app/out"]
`;

test("convert: one const per stage, params for ARGs, the context, targets and comments", () => {
  const { code, todos } = convertDockerfile(DOCKERFILE, { importFrom: "drydock" });
  assert.deepEqual(todos, []);
  for (
    const expected of [
      'import { z } from "zod";',
      'import { build, cache, image, local, params, scratch, secret } from "drydock";',
      "// syntax=docker/dockerfile:1 (a parser directive: build.ts needs none)",
      '  BASE_TAG: z.string().default("latest"),',
      'const ctx = local(".");',
      "// the builder",
      "const buildEnv = image(`busybox:${p.BASE_TAG}`)",
      '  .workdir("/src")',
      '  .copy(ctx, "go.mod", "./", { chown: "1000:1000" })',
      '  .run("make build", { mounts: { "/root/.cache": cache("//root/.cache") }, secrets: { TOKEN: ' +
      '{ secret: secret("token"), optional: true } } })',
      '  .env("PATH", "/src/bin:$PATH");',
      "const final = scratch()",
      '  .copy(buildEnv, "/src/out", "/app/")',
      '  .config({ entrypoint: ["/app/out"] });',
      'export const targets = { final, "build-env": buildEnv };',
      'export const defaultTarget = "final";',
    ]
  ) assert.ok(code.includes(expected), `missing ${expected}\n---\n${code}`);
});

test("convert: what it cannot translate stays a TODO with the original line, and is listed", () => {
  const { code, todos } = convertDockerfile(
    "FROM busybox\nADD https://example.com/$FILE /x/\nMAINTAINER me\n",
  );
  assert.deepEqual(todos.map((t) => [t.line, t.instruction]), [
    [2, "ADD https://example.com/$FILE /x/"],
    [3, "MAINTAINER me"],
  ]);
  assert.match(code, /\/\/ TODO: ADD https:\/\/example\.com\/\$FILE \/x\/ {2}\(a variable in an ADD URL\)/);
  assert.match(code, /const final = image\("busybox"\);/);
});

test("convert: ADD <url> is http() copied as one file, --checksum and --chmod kept", () => {
  const { code, todos } = convertDockerfile(
    "FROM busybox\nADD --checksum=sha256:" + "a".repeat(64) +
      " --chmod=640 https://example.com/d/x.tgz /x/\n" +
      "ADD https://example.com/ /y\n",
    { importFrom: "drydock" },
  );
  assert.deepEqual(todos, []);
  const asIs = "followSymlinks: false, contentsOnly: false, allowWildcard: false, allowEmptyWildcard: false";
  assert.ok(
    code.includes(
      `.copy(http("https://example.com/d/x.tgz", { filename: "x.tgz", checksum: "sha256:${
        "a".repeat(64)
      }" }), ` +
        `"x.tgz", "/x/", { ${asIs}, chmod: 0o640 })`,
    ),
    code,
  );
  assert.ok(
    code.includes(`.copy(http("https://example.com/", { filename: "__unnamed__" }), "__unnamed__", "/y"`),
  );
  assert.match(code, /import \{ build, http, image \} from "drydock";/);
});

test("convert: ADD <git> is git() with its ref, subdir and --keep-git-dir, its root copied", () => {
  const { code, todos } = convertDockerfile(
    "FROM busybox\nADD --keep-git-dir=true https://example.com/r.git#v1:docs /d/\nADD git@host:r.git /r\n" +
      "ADD https://example.com/a.txt b.txt /x/\n",
    { importFrom: "drydock" },
  );
  const asIs = "followSymlinks: false, contentsOnly: false, allowWildcard: false, allowEmptyWildcard: false";
  assert.ok(
    code.includes(
      `.copy(git("https://example.com/r.git", { ref: "v1", subdir: "docs", keepGitDir: true }), "/", "/d/", ` +
        `{ ${asIs} })`,
    ),
    code,
  );
  assert.ok(code.includes(`.copy(git("git@host:r.git"), "/", "/r", { ${asIs} })`), code);
  assert.deepEqual(todos.map((t) => t.reason), ["ADD of a URL or git repository with other sources"]);
});

test("convert CLI: writes build.ts next to the context, reports TODOs on stderr", async () => {
  const dir = mkdtempSync(join(tmpdir(), "drydock-convert-"));
  try {
    writeFileSync(join(dir, "Dockerfile"), "FROM busybox\nCOPY . /app\nHEALTHCHECK --bogus=1 CMD true\n");
    const err: string[] = [];
    const status = await runConvert(["-o", "ci/build.ts"], {
      cwd: dir,
      stdout: () => {},
      stderr: (s) => err.push(s),
    });
    assert.equal(status, 1, "ci/ does not exist");
    writeFileSync(join(dir, "ci"), "", { flag: "w" });
    rmSync(join(dir, "ci"));
    const out: string[] = [];
    assert.equal(
      await runConvert([], { cwd: dir, stdout: (s) => out.push(s), stderr: (s) => err.push(s) }),
      0,
    );
    assert.match(out.join(""), /const ctx = local\("\."\);/);
    assert.match(
      err.join(""),
      /Dockerfile:3: not translated \(HEALTHCHECK --bogus\): HEALTHCHECK --bogus=1 CMD true/,
    );
    assert.equal(await runConvert(["missing"], { cwd: dir, stdout: () => {}, stderr: () => {} }), 1);
    assert.equal(await runConvert(["--nope"], { cwd: dir, stdout: () => {}, stderr: () => {} }), 2);
    assert.equal(await runConvert(["-o", "build.ts"], { cwd: dir, stdout: () => {}, stderr: () => {} }), 0);
    assert.match(readFileSync(join(dir, "build.ts"), "utf8"), /from "drydock"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("convert: an ssh mount without id is ssh() (the frontend's empty id), id=default stays named", () => {
  const { code, todos } = convertDockerfile(
    "FROM busybox\nRUN --mount=type=ssh a\nRUN --mount=type=ssh,id=default,required=true b\n",
    { importFrom: "drydock" },
  );
  assert.deepEqual(todos, []);
  assert.ok(code.includes('.run("a", { ssh: { agent: ssh(), optional: true } })'), code);
  assert.ok(code.includes('.run("b", { ssh: { agent: ssh("default") } })'), code);
});

test("convert: symbolic --chmod is a chmod string; a variable in it stays a TODO", () => {
  const { code, todos } = convertDockerfile(
    "FROM busybox\nCOPY --chmod=go-w,a+X a /a\nCOPY --chmod=$M b /b\n",
    {
      importFrom: "drydock",
    },
  );
  assert.ok(code.includes('.copy(ctx, "a", "/a", { chmod: "go-w,a+X" })'), code);
  assert.deepEqual(todos.map((t) => t.reason), ["--chmod=$M"]);
});

test("convert: COPY --parents copies from the pivot (or the root) with the rest as an include pattern", () => {
  const { code, todos } = convertDockerfile(
    "FROM busybox\nCOPY --parents src/a/*.go /out/\nCOPY --parents ./x/./y/z.txt /out/\nCOPY --parents a b /c/\n",
    { importFrom: "drydock" },
  );
  assert.ok(code.includes('.copy(ctx, "/", "/out/", { include: ["src/a/*.go"] })'), code);
  assert.ok(code.includes('.copy(ctx, "/x", "/out/", { include: ["y/z.txt"] })'), code);
  assert.deepEqual(todos.map((t) => t.reason), ["--parents with several sources"]);
});

test("convert: FROM --platform: a literal platform is the image's, $BUILDPLATFORM the engine's own", () => {
  const { code, todos } = convertDockerfile(
    "FROM --platform=linux/arm64 busybox AS a\nFROM --platform=$BUILDPLATFORM busybox AS b\n" +
      "FROM --platform=linux/arm/v7 scratch AS c\nFROM --platform=$X busybox\n",
    { importFrom: "drydock" },
  );
  assert.ok(code.includes('const a = image("busybox", { platform: "linux/arm64" });'), code);
  assert.ok(code.includes("// FROM --platform=$BUILDPLATFORM: the engine's platform"), code);
  assert.ok(code.includes('const b = image("busybox");'), code);
  assert.ok(code.includes('const c = scratch().platform("linux/arm/v7");'), code);
  assert.deepEqual(todos.map((t) => t.reason), ["FROM --platform=$X"]);
});

test("convert: a RUN heredoc starting with #! is a script file mounted at /dev/pipes/ and run by path", () => {
  const { code, todos } = convertDockerfile(
    "FROM busybox\nRUN <<EOT\n#!/bin/sh\necho hi > /hi\nEOT\n",
    { importFrom: "drydock" },
  );
  assert.deepEqual(todos, []);
  assert.ok(
    code.includes(
      '.run("/dev/pipes/EOT", { mounts: { "/dev/pipes/": { from: scratch().mkfile("/EOT", ' +
        '"#!/bin/sh\\necho hi > /hi\\n", { mode: 0o755 }), path: "/", readonly: true } } })',
    ),
    code,
  );
});

test("convert: a cache mount's uid/gid/mode seed it from a /cache directory made with them", () => {
  const { code, todos } = convertDockerfile(
    "FROM busybox\nRUN --mount=type=cache,target=/c,uid=1000,mode=0700 a\n" +
      "RUN --mount=type=cache,target=/d,gid=5,source=sub,from=busybox b\n",
    { importFrom: "drydock" },
  );
  assert.deepEqual(todos, []);
  assert.ok(
    code.includes(
      '"/c": cache("//c", { from: scratch().mkdir("/cache", { mode: 0o700, parents: false, ' +
        'chown: { user: 1000, group: 0 } }), path: "/cache" })',
    ),
    code,
  );
  assert.ok(code.includes('"/d": cache("//d", { from: image("busybox"), path: "/sub" })'), code);
});
