import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { context, dockerfile, image, local, OptionError, scratch } from "../../mod.ts";
import { marshal } from "../llb/marshal.ts";

const P = { platform: "linux/amd64" } as const;
const last = (s: ReturnType<typeof image>, contexts?: Map<string, ReturnType<typeof image>>) =>
  marshal(s, { contexts }).ops.at(-1)?.digest;

describe("context()", () => {
  test("without an override the build is its default state's, digest for digest", () => {
    const plain = image("busybox", P).copy(local("a"), ".", "/app").run("cat /app/x");
    const named = image("busybox", P).copy(context("src", local("a")), ".", "/app").run("cat /app/x");
    assert.equal(last(named), last(plain));
    assert.equal(last(named, new Map([["other", image("busybox", P)]])), last(plain));
  });

  test("an override replaces the default wherever the context is used", () => {
    const src = context("src", local("a"));
    const app = image("busybox", P).copy(src, ".", "/app").run(["ls"], { mounts: { "/src": src } });
    const other = local("b");
    const expected = image("busybox", P).copy(other, ".", "/app").run(["ls"], { mounts: { "/src": other } });
    const m = marshal(app, { contexts: new Map([["src", other]]) });
    assert.equal(m.ops.at(-1)!.digest, last(expected));
    assert.deepEqual([...m.localDirs.keys()], ["b"]); // the default is not sent at all
  });

  test("the base of a state can be a context, and scratch works as default or override", () => {
    const base = context("base", image("busybox", P));
    const app = base.mkfile("/f", "x");
    assert.equal(last(app), last(image("busybox", P).mkfile("/f", "x")));
    assert.equal(last(app, new Map([["base", scratch()]])), last(scratch().mkfile("/f", "x")));
    assert.equal(
      last(context("e", scratch()).mkfile("/f", "x"), new Map([["e", image("busybox", P)]])),
      last(image("busybox", P).mkfile("/f", "x")),
    );
    assert.equal(marshal(context("e", scratch())).definition, undefined);
  });

  test("an override that is another output of a step points at that output", () => {
    const run = image("busybox", P).run("true", { mounts: { "/out": scratch() } });
    const out = run.mount("/out");
    const app = image("busybox", P).copy(context("c", local("a")), "/", "/c");
    const expected = image("busybox", P).copy(out, "/", "/c");
    assert.equal(last(app, new Map([["c", out]])), last(expected));
  });

  test("a context replaced by a state that uses it is refused, naming the context", () => {
    const src = context("src", local("a"));
    const app = image("busybox", P).copy(src, ".", "/app");
    assert.throws(
      () => marshal(app, { contexts: new Map([["src", app]]) }),
      /build context "src".*cannot contain itself/,
    );
  });

  test("the name and default are checked, naming the option and the build.ts line", () => {
    assert.throws(() => context("Src", scratch()), (e: unknown) => {
      assert.ok(e instanceof OptionError);
      assert.match(e.message, /context\(\): option "name" must be image-name-like/);
      assert.match(e.message, /context_test\.ts:\d+/);
      return true;
    });
    assert.throws(() => context("src", "./a" as never), /option "defaultState" must be a State/);
  });

  test("dockerfile()'s contexts read names and values with the same rules", () => {
    assert.throws(
      () => dockerfile(local("."), { contexts: { Base: "docker-image://busybox" } }),
      /option "contexts\.Base" the name must be image-name-like/,
    );
    assert.throws(
      () => dockerfile(local("."), { contexts: { base: "target:app" } }),
      /option "contexts\.base" must be "docker-image:\/\/<ref>" \(a directory: local\(dir\)\)/,
    );
    dockerfile(local("."), { contexts: { base: "docker-image://busybox", b: local("b") } });
  });
});
