import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { chooseProgressMode, createRenderer } from "./renderer.ts";
import { PlainRenderer } from "./plain.ts";
import { QuietRenderer } from "./quiet.ts";
import { RawJsonRenderer } from "./rawjson.ts";
import { TtyRenderer } from "./tty.ts";
import { ProgressModel } from "./model.ts";

describe("progress mode", () => {
  test("`chooseProgressMode()` picks tty only on a terminal outside CI", () => {
    const cases: [Parameters<typeof chooseProgressMode>[0], boolean, Record<string, string>, string][] = [
      ["auto", true, {}, "tty"],
      ["auto", true, { CI: "true" }, "plain"],
      ["auto", true, { CI: "1" }, "plain"],
      ["auto", true, { CI: "false" }, "tty"],
      ["auto", true, { CI: "" }, "tty"],
      ["auto", true, { TERM: "dumb" }, "plain"],
      ["auto", false, {}, "plain"],
      ["tty", false, {}, "plain"],
      ["tty", true, { CI: "true" }, "tty"],
      ["plain", true, {}, "plain"],
      ["rawjson", false, {}, "rawjson"],
      ["quiet", true, {}, "quiet"],
    ];
    for (const [requested, isTTY, env, expected] of cases) {
      assert.equal(
        chooseProgressMode(requested, { isTTY, env }),
        expected,
        JSON.stringify([requested, isTTY, env]),
      );
    }
  });

  test("`createRenderer()` makes each renderer around a shared model", () => {
    const model = new ProgressModel();
    const out = { write: (_: string) => {} };
    const made = {
      tty: createRenderer("tty", out, { model }),
      plain: createRenderer("plain", out, { model }),
      rawjson: createRenderer("rawjson", out, { model }),
      quiet: createRenderer("quiet", out, { model }),
    };
    assert.ok(made.tty instanceof TtyRenderer);
    assert.ok(made.plain instanceof PlainRenderer);
    assert.ok(made.rawjson instanceof RawJsonRenderer);
    assert.ok(made.quiet instanceof QuietRenderer);
    for (const renderer of Object.values(made)) {
      assert.equal(renderer.model, model);
      renderer.done();
    }
  });

  test("`QuietRenderer` prints nothing but keeps the model", () => {
    let out = "";
    const renderer = createRenderer("quiet", { write: (t: string) => out += t });
    renderer.update({ vertexes: [{ digest: "sha256:a", name: "RUN x", started: { seconds: 1n } }] });
    renderer.done();
    assert.equal(out, "");
    assert.equal(renderer.model.steps().length, 1);
  });
});
