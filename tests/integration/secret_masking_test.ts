// A step that prints a secret: its value never shows in any progress mode, in the error report, or in
// what the library returns or throws; `***` shows instead.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { buildTargets, image, secret } from "../../mod.ts";
import { dk26c, skipWithout, unique } from "../support/engines.ts";
import { runBuildFile } from "../support/runtime.ts";
import { parseRawJson } from "../../src/progress/rawjson.ts";

const BUILD = fileURLToPath(new URL("../fixtures/cli/echo_secret_build.ts", import.meta.url));

describe("secret values are masked (Docker 26.1)", { skip: skipWithout(dk26c, "dk26c") }, () => {
  const value = `tok-${randomBytes(8).toString("hex")}`;
  const env = () => ({
    DOCKER_HOST: `unix://${dk26c!.socket}`,
    BUILDKIT_HOST: undefined,
    DRYDOCK_MASK_TOKEN: value,
  });

  for (const mode of ["plain", "tty", "rawjson"] as const) {
    test(`--progress=${mode}: the step's output shows *** instead of the value`, async () => {
      const r = await runBuildFile(BUILD, ["shows", `--progress=${mode}`, "--marker", unique(mode)], env());
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!(r.stdout + r.stderr).includes(value), `the value is printed:\n${r.stderr}`);
      // rawjson carries log data base64-encoded.
      const text = mode === "rawjson"
        ? decodeRawJsonLogs(r.stderr.slice(0, r.stderr.lastIndexOf("\n}\n") + 3))
        : r.stderr;
      assert.ok(!text.includes(value), "the value is in the logs");
      assert.match(text, /the token is \*\*\*/);
    });
  }

  test("--progress=quiet and the error report: the failing step's last log lines are masked", async () => {
    for (const mode of ["quiet", "plain"]) {
      const r = await runBuildFile(
        BUILD,
        ["fails", `--progress=${mode}`, "--marker", unique("fails")],
        env(),
      );
      assert.equal(r.code, 1, r.stderr);
      assert.ok(!(r.stdout + r.stderr).includes(value), `the value is printed:\n${r.stderr}`);
      assert.match(r.stderr, /leaking \*\*\*/);
    }
  });

  test("library: status updates and the thrown error are masked", async () => {
    let logs = "";
    const token = secret("mask_lib", { value });
    const state = image("busybox").run(
      `echo ${unique("lib")}; echo "lib $TOKEN"; echo "$TOKEN" >&2; exit 5`,
      {
        secrets: { TOKEN: token },
      },
    );
    await assert.rejects(
      buildTargets({ t: state }, {
        host: dk26c!.host,
        onStatus: (_, s) => {
          for (const l of s.logs ?? []) logs += new TextDecoder().decode(l.msg);
          for (const v of s.vertexes ?? []) logs += `${v.name}\n${v.error ?? ""}\n`;
        },
      }),
      (err: Error) => {
        assert.ok(!String(err.message).includes(value), err.message);
        assert.ok(!String(err.stack).includes(value));
        return true;
      },
    );
    assert.ok(!logs.includes(value), logs);
    assert.match(logs, /lib \*\*\*/);
  });
});

function decodeRawJsonLogs(json: string): string {
  return parseRawJson(json).flatMap((u) => u.logs ?? []).map((l) => new TextDecoder().decode(l.msg)).join("");
}
