import { test } from "node:test";
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { DrydockError } from "../core/errors.ts";
import { parseCli } from "./args.ts";
import { flagOptions } from "./flag_options.ts";
import { UsageError } from "./usage_error.ts";

const spec = { targets: ["app"] };
const here = { env: {}, cwd: "/work" };

test("`flagOptions()`: output paths are relative to the working directory, - stays stdout", () => {
  const o = flagOptions(parseCli(["-o", "out", "-o", "-", "-o", "type=image,name=app:1"], spec), {}, here);
  assert.deepEqual(o.outputs, [
    { type: "local", dest: resolve("/work", "out") },
    { type: "tar", dest: "-" },
    { type: "image", name: ["app:1"] },
  ]);
});

test("`flagOptions()`: flags come after build()'s own lists, so they win by id", () => {
  const base = { secrets: [{ id: "npm", source: { env: "A" } }], cacheTo: [{ type: "inline" as const }] };
  const o = flagOptions(
    parseCli(["--secret", "id=npm,env=B", "--cache-to", "type=inline"], spec),
    base,
    here,
  );
  assert.deepEqual(o.secrets, [{ id: "npm", source: { env: "A" } }, { id: "npm", source: { env: "B" } }]);
  assert.equal(o.cacheTo!.length, 2);
  assert.equal(flagOptions(parseCli(["--no-cache"], spec), {}, here).noCache, true);
  assert.equal(flagOptions(parseCli(["--no-persist"], spec), {}, here).noPersist, true);
});

test("`flagOptions()`: bad specs and engines are reported, naming the flag", () => {
  assert.throws(
    () => flagOptions(parseCli(["--cache-to", "type=registry,nope=1"], spec), {}, here),
    (err: unknown) => err instanceof DrydockError && err.code === "E_SPEC" && /--cache-to/.test(err.message),
  );
  assert.throws(() => flagOptions(parseCli(["--host", "ssh://x"], spec), {}, here), UsageError);
  assert.throws(
    () =>
      flagOptions(parseCli(["--builder", "nope"], spec), {}, {
        env: { DOCKER_CONFIG: "/nonexistent" },
        cwd: "/work",
      }),
    (err: unknown) => err instanceof UsageError && /docker context "nope"/.test(err.message),
  );
});

test("`flagOptions()`: --host is discovered once, and the engines found go to the build", () => {
  const o = flagOptions(parseCli(["--host", "tcp://127.0.0.1:1234"], spec), {}, here);
  assert.deepEqual(o.engines?.map((e) => [e.engine, e.text]), [["buildkitd", "tcp://127.0.0.1:1234"]]);
  assert.equal(flagOptions(parseCli([], spec), {}, here).engines, undefined);
});

test("`flagOptions()`: --build-context values join build()'s contexts, directories from the working directory", () => {
  const args = parseCli(
    [
      "--build-context",
      "src=../app",
      "--build-context",
      "base=docker-image://busybox",
      "--build-context",
      "t=target:x",
    ],
    spec,
  );
  assert.deepEqual(flagOptions(args, { contexts: { src: "a", keep: "k" } }, here).contexts, {
    src: resolve("/work", "../app"),
    keep: "k",
    base: "docker-image://busybox",
    t: "target:x",
  });
  assert.equal(flagOptions(parseCli([], spec), {}, here).contexts, undefined);
  for (const bad of ["src", "Src=.", "src=oci-layout:///x", "src=docker-image://"]) {
    assert.throws(
      () => flagOptions(parseCli(["--build-context", bad], spec), {}, here),
      (err: unknown) =>
        err instanceof DrydockError && err.code === "E_SPEC" &&
        err.message.startsWith(`--build-context "${bad}": `),
    );
  }
});
