import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { diff, dockerfile, git, http, image, local, merge, OptionError, scratch } from "../../mod.ts";

/** Asserts `fn` throws an OptionError for `call` whose message matches and names this file's line. */
// The calls are statements, not `() => call()`: Bun drops the frame of a call in tail
// position, so the location would point at this helper instead.
function throwsOption(fn: () => unknown, call: string, message: RegExp) {
  const line = Number(/:(\d+):\d+\)?$/.exec(new Error().stack!.split("\n")[2])![1]);
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof OptionError, String(err));
    assert.equal(err.call, call);
    assert.match(err.message, message);
    assert.match(err.message, /source_options_test\.ts:\d+:\d+\)/);
    assert.ok(Math.abs(err.location!.line - line) <= 10, `location ${err.location!.line} near ${line}`);
    return true;
  });
}

describe("source and composition options", () => {
  test("types catch resolve modes, owners, option names and non-states at compile time", () => {
    throwsOption(
      () => {
        // @ts-expect-error: not a resolve mode
        image("busybox", { resolveMode: "always" });
      },
      "image",
      /option "resolveMode" must be "default", "pull" or "local"/,
    );
    throwsOption(
      () => {
        // @ts-expect-error: chown takes ids
        http("https://example.com/f", { chown: "root" });
      },
      "http",
      /option "chown"/,
    );
    throwsOption(
      () => {
        // @ts-expect-error: no such option
        local(".", { ignore: ["x"] });
      },
      "local",
      /unrecognized key.*"ignore"/i,
    );
    throwsOption(
      () => {
        // @ts-expect-error: a string is no state
        merge([scratch(), "busybox"]);
      },
      "merge",
      /option "states\.1" must be a State/,
    );
    throwsOption(
      () => {
        // @ts-expect-error: a string is no state
        diff("busybox", scratch());
      },
      "diff",
      /option "lower" must be a State/,
    );
    throwsOption(
      () => {
        // @ts-expect-error: the context is a state
        dockerfile(".");
      },
      "dockerfile",
      /option "context" must be a State/,
    );
  });

  test("values types cannot check fail with the option and the line", () => {
    throwsOption(
      () => {
        git("https://example.com/r.git", { ref: "a:b" });
      },
      "git",
      /option "ref" must not contain ":" or "#"/,
    );
    throwsOption(
      () => {
        git("https://user:pw@example.com/r.git");
      },
      "git",
      /option "url" must not carry credentials/,
    );
    throwsOption(
      () => {
        http("https://example.com/f", { chmod: 0o1777 });
      },
      "http",
      /option "chmod" must be at most 0o777/,
    );
    throwsOption(
      () => {
        http("https://example.com/f", { checksum: "sha256:abc" });
      },
      "http",
      /option "checksum" must look like "sha256:<64 hex digits>"/,
    );
    throwsOption(
      () => {
        local(".", { include: [""] });
      },
      "local",
      /option "include\.0" must not be empty/,
    );
    throwsOption(
      () => {
        dockerfile(local("."), { args: { "": "x" } });
      },
      "dockerfile",
      /option "args" names must be ARG names/,
    );
    throwsOption(
      () => {
        image("busybox", { platform: "linux" });
      },
      "image",
      /option "platform" must look like "linux\/amd64"/,
    );
  });
});
