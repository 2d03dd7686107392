// State.resolved() with the engine's resolver (a dynamic target's ctx.resolveImageConfig): getEnv() reads
// busybox's PATH as the engine has it, and a step built on that value sees the same PATH in its env.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildTargets, image, scratch } from "../../mod.ts";
import { dk26c, skipWithout, unique } from "../support/engines.ts";

describe("State.resolved on an engine", () => {
  test("getEnv() reads busybox's PATH through ctx.resolveImageConfig (Docker 26.1, containerd store)", {
    skip: skipWithout(dk26c, "Docker 26.1, containerd store"),
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "drydock-resolved-"));
    const nonce = unique("resolved");
    let seen: string | undefined;
    try {
      await buildTargets({
        files: {
          state: async (ctx) => {
            const busybox = await image("busybox").resolved(ctx.resolveImageConfig);
            seen = busybox.getEnv("PATH");
            const step = busybox.env("PATH", `/opt/bin:${seen}`)
              .run(`mkdir /r && echo "$PATH" > /r/path && echo ${nonce} > /r/nonce`);
            return scratch().copy(step, "/r/", "/");
          },
          output: { type: "local", dest: dir },
        },
      }, { host: dk26c!.host });
      assert.match(seen ?? "", /(^|:)\/bin(:|$)/, `busybox's PATH: ${seen}`);
      assert.equal(readFileSync(join(dir, "path"), "utf8"), `/opt/bin:${seen}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
