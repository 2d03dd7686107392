import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cache, image, OptionError, scratch, secret, ssh, tmpfs } from "../../mod.ts";
import { stateData } from "./state.ts";

const OWN_LINES = readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n");

/**
 * Asserts `fn` throws an OptionError for `call` whose message matches and whose location is this file's line
 * that makes the call: the first line naming `call(` after the line of this helper's own call.
 */
// The calls are statements, not `() => call()`: Bun drops the frame of a call in tail
// position, so the location would point at this helper instead.
function throwsOption(fn: () => unknown, call: string, message: RegExp) {
  const helperLine = Number(/:(\d+):\d+\)?$/.exec(new Error().stack!.split("\n")[2])![1]);
  const offset = OWN_LINES.slice(helperLine).findIndex((l) => new RegExp(`\\b${call}\\(`).test(l));
  assert.ok(offset >= 0, `no ${call}( after line ${helperLine}`);
  const line = helperLine + 1 + offset;
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof OptionError, String(err));
    assert.equal(err.call, call);
    assert.match(err.message, message);
    assert.match(err.message, new RegExp(`run_test\\.ts:${line}:\\d+\\)`));
    assert.equal(err.location!.line, line);
    return true;
  });
}

describe("run() options", () => {
  test("types catch sharing modes, network and security modes and mount kinds at compile time", () => {
    throwsOption(
      () => {
        // @ts-expect-error: not a sharing mode
        cache("c", { sharing: "exclusive" });
      },
      "cache",
      /option "sharing" must be "shared", "private" or "locked"/,
    );
    throwsOption(
      () => {
        // @ts-expect-error: not a network mode
        image("busybox").network("bridge");
      },
      "network",
      /option "mode" must be "sandbox", "host" or "none"/,
    );
    throwsOption(
      () => {
        // @ts-expect-error: not a security mode
        image("busybox").run("x", { security: "privileged" });
      },
      "run",
      /option "security" must be/,
    );
    throwsOption(
      () => {
        // @ts-expect-error: a string is no mount
        image("busybox").run("x", { mounts: { "/m": "busybox" } });
      },
      "run",
      /option "mounts\.\/m" must be a State/,
    );
    throwsOption(
      () => {
        // @ts-expect-error: not a ulimit name
        image("busybox").ulimit("files", 1);
      },
      "ulimit",
      /option "name" must be one of core, cpu/,
    );
  });

  test("mount values are checked by path", () => {
    throwsOption(
      () => {
        image("busybox").run("x", { mounts: { "/s": { secret: secret("s"), mode: 0o10000 } } });
      },
      "run",
      /option "mounts\.\/s\.mode" must be at most 0o7777/,
    );
    throwsOption(
      () => {
        image("busybox").run("x", { mounts: { "/": scratch() } });
      },
      "run",
      /cannot replace the root/,
    );
    throwsOption(
      () => {
        image("busybox").workdir("/w").run("x", { mounts: { "/w/a": scratch(), "a": scratch() } });
      },
      "run",
      /option "mounts\.a" mounts \/w\/a twice/,
    );
    throwsOption(
      () => {
        image("busybox").run("x", { mounts: { "/b": { from: "busybox" as never } } });
      },
      "run",
      /option "mounts\.\/b\.from" must be a State/,
    );
    throwsOption(
      () => {
        image("busybox").run("x", { secrets: { "A=B": secret("a") } });
      },
      "run",
      /option "secrets\.A=B" must not contain "="/,
    );
    throwsOption(
      () => {
        image("busybox").run("x", { ssh: [{ agent: "default" as never }] });
      },
      "run",
      /option "ssh\.0\.agent" must be an ssh\(\.\.\.\)/,
    );
  });

  test("a plain string is no secret and no ssh agent", () => {
    throwsOption(
      () => {
        image("busybox").run("x", { secrets: { T: "hunter2" as never } });
      },
      "run",
      /option "secrets\.T" must be a secret\(\.\.\.\) or \{ secret, optional \}/,
    );
    throwsOption(
      () => {
        image("busybox").run("x", { ssh: "default" as never });
      },
      "run",
      /option "ssh" must be an ssh\(\.\.\.\)/,
    );
  });

  test("relative mount paths join the step's working directory", () => {
    const s = image("busybox").workdir("/app").run("x", { workdir: "sub", mounts: { "out": scratch() } });
    const node = stateData(s).output!.op;
    assert.ok(node.kind === "exec");
    assert.deepEqual(node.mounts.map((m) => m.dest), ["/", "/app/sub/out"]);
  });

  test("mount() gives a writable mount's result and names the writable ones otherwise", () => {
    const step = image("busybox").run("x", {
      mounts: { "/out": scratch(), "/ro": { from: scratch(), readonly: true }, "/c": cache("c") },
    });
    assert.equal(stateData(step.mount("/out")).output!.index, 1);
    throwsOption(
      () => {
        step.mount("/ro");
      },
      "mount",
      /\/ro is not a writable mount of this run step \(writable: \/out\)/,
    );
    throwsOption(
      () => {
        step.mount("/c");
      },
      "mount",
      /\/c is not a writable mount/,
    );
  });

  test("a later run on the result is a plain state again", () => {
    const s = image("busybox").run("a").run("b");
    assert.equal("mount" in s, true);
    assert.equal(stateData(s).output!.op.kind, "exec");
  });
});

describe("secret(), ssh(), cache(), tmpfs()", () => {
  test("values are immutable and carry where they were declared", () => {
    const s = secret("npm", { env: "NPM_TOKEN" });
    assert.ok(Object.isFrozen(s) && Object.isFrozen(s.source));
    assert.deepEqual({ id: s.id, source: s.source }, { id: "npm", source: { env: "NPM_TOKEN" } });
    assert.match(s.location!.file, /run_test\.ts$/);
    const a = ssh();
    assert.equal(a.id, "default");
    assert.deepEqual(ssh("k", { keys: ["./id"] }).keys, ["./id"]);
    assert.deepEqual(cache("go"), {
      kind: "cache",
      id: "go",
      sharing: "shared",
      source: null,
      readonly: false,
    });
    assert.equal(tmpfs({ size: "64m" }).size, 64 * 1024 * 1024);
    assert.equal(tmpfs().size, 0);
  });

  test("bad values name the option and the line", () => {
    throwsOption(
      () => {
        secret("");
      },
      "secret",
      /option "id" must not be empty/,
    );
    throwsOption(
      () => {
        secret("a", { path: "/x" } as never);
      },
      "secret",
      /option "source" must be \{ env: NAME \}, \{ file: PATH \} or \{ value: \.\.\. \}/,
    );
    throwsOption(
      () => {
        ssh("a b");
      },
      "ssh",
      /option "id" must not contain whitespace/,
    );
    throwsOption(
      () => {
        ssh("a", { keys: [] });
      },
      "ssh",
      /option "keys" must list at least one key file/,
    );
    throwsOption(
      () => {
        tmpfs({ size: "lots" });
      },
      "tmpfs",
      /option "size" must be bytes or a size like "64m" or "1g"/,
    );
  });
});

describe("state settings and file options", () => {
  test("settings are validated", () => {
    throwsOption(
      () => {
        image("busybox").hostname("-bad-");
      },
      "hostname",
      /must be a valid host name/,
    );
    throwsOption(
      () => {
        image("busybox").addHost("db", "10.0.0");
      },
      "addHost",
      /option "ip" must be an IPv4 or IPv6 address/,
    );
    throwsOption(
      () => {
        image("busybox").proxy({ http: "x" } as never);
      },
      "proxy",
      /http/,
    );
    throwsOption(
      () => {
        image("busybox").platform("amd64");
      },
      "platform",
      /must look like "linux\/amd64"/,
    );
    throwsOption(
      () => {
        image("busybox").ulimit("nofile", 1.5);
      },
      "ulimit",
      /option "soft" must be an integer/,
    );
  });

  test("settings reach later run steps; step options override them", () => {
    const base = image("busybox").hostname("h").network("none").addHost("a", "::1").ulimit("nproc", 10)
      .ulimit("nproc", 20, 30).cgroupParent("p").proxy({ httpProxy: "x" }).platform("linux/arm64/v8");
    const node = stateData(base.run("x", { network: "host" })).output!.op;
    assert.ok(node.kind === "exec");
    assert.equal(node.hostname, "h");
    assert.equal(node.network, "host");
    assert.deepEqual(node.extraHosts, [{ host: "a", ip: "::1" }]);
    assert.deepEqual(node.ulimits, [{ name: "nproc", soft: 20, hard: 30 }]);
    assert.equal(node.cgroupParent, "p");
    assert.deepEqual(node.proxyEnv, { httpProxy: "x" });
    assert.deepEqual(node.platform, { os: "linux", architecture: "arm64", variant: "v8" });
  });

  test("copy, mkdir, mkfile and rm options are validated", () => {
    throwsOption(
      () => {
        scratch().copy(scratch(), "/a", "/b", { chown: "a:b:c" });
      },
      "copy",
      /option "chown" must be/,
    );
    throwsOption(
      () => {
        scratch().copy(scratch(), "/a", "/b", { chmod: "755" as never });
      },
      "copy",
      /option "chmod" must be a number/,
    );
    throwsOption(
      () => {
        scratch().copy(scratch(), "/a", "/b", { include: [""] });
      },
      "copy",
      /option "include\.0" must not be empty/,
    );
    throwsOption(
      () => {
        scratch().mkdir("/a", { timestamp: -1 });
      },
      "mkdir",
      /option "timestamp" must not be before 1970/,
    );
    throwsOption(
      () => {
        scratch().mkfile("/a", "x", { chown: -1 });
      },
      "mkfile",
      /option "chown" must be/,
    );
    throwsOption(
      () => {
        scratch().rm("/a", { force: true } as never);
      },
      "rm",
      /force/,
    );
  });
});
