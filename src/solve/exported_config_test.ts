import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { dockerfile, image, local } from "../../mod.ts";
import { stateData } from "../dsl/state.ts";
import { baseConfigKey } from "../llb/base_config.ts";
import { exportedImageConfig } from "./exported_config.ts";

describe("exportedImageConfig()", () => {
  test("a dockerfile() result exports the frontend's config, history and creation time as they are", () => {
    const built = dockerfile(local("/ctx"), { platform: "linux/arm64" });
    const inherit = stateData(built).settings.inherit!;
    const made = {
      architecture: "arm64",
      os: "linux",
      created: "2026-01-01T00:00:00Z",
      history: [{ created_by: "RUN x" }],
      config: { Env: ["PATH=/bin"], WorkingDir: "/app", User: "nobody", Cmd: ["sh"], ArgsEscaped: true },
      rootfs: { type: "layers", diff_ids: [] },
    };
    const images = new Map([[baseConfigKey(inherit.image, inherit.platform), made]]);
    assert.deepEqual(exportedImageConfig(built, new Map(), images), made);

    const refined = exportedImageConfig(built.env("B", "2").workdir("sub").user("root"), new Map(), images);
    assert.deepEqual(refined.config, {
      ...made.config,
      Env: ["PATH=/bin", "B=2"],
      WorkingDir: "/app/sub",
      User: "root",
    });
    assert.deepEqual((refined as unknown as typeof made).history, made.history);
  });

  test("an image() state exports on top of its resolved base config, without the base's history", () => {
    const state = image("busybox");
    const inherit = stateData(state).settings.inherit!;
    const bases = new Map([[baseConfigKey(inherit.image, inherit.platform), {
      config: { Cmd: ["sh"], WorkingDir: "/srv" },
      history: [{}],
    }]]);
    const got = exportedImageConfig(state, bases, new Map());
    assert.deepEqual(got.config.Cmd, ["sh"]);
    assert.equal(got.config.WorkingDir, "/srv");
    assert.equal("history" in got, false);
  });
});
