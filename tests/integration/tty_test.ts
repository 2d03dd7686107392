// The live progress view on a real terminal: a build.ts runs inside tmux (Debian's package; tests/run.sh
// installs it), and the screens tmux captures are checked while the build runs, after the terminal gets
// narrower, and at the end.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dk20, dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { runtimeCommand } from "../support/runtime.ts";

const BUILD = fileURLToPath(new URL("./fixtures/progress/build.ts", import.meta.url));
const HAS_TMUX = spawnSync("tmux", ["-V"]).status === 0;

/** A tmux server of our own (its own socket), with one window running `command`. */
class Tmux {
  readonly socket = unique("drydock-tty");
  constructor(command: string, columns: number, rows: number) {
    this.#run(["new-session", "-d", "-s", "build", "-x", String(columns), "-y", String(rows), command]);
  }
  screen(): string {
    return this.#run(["capture-pane", "-p", "-t", "build"]);
  }
  resize(columns: number, rows: number): void {
    this.#run(["resize-window", "-t", "build", "-x", String(columns), "-y", String(rows)]);
  }
  /** Polls the screen until `done` holds; fails with the last screen after `timeoutMs`. */
  async waitFor(done: (screen: string) => boolean, what: string, timeoutMs = 120_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let screen = "";
    while (Date.now() < deadline) {
      screen = this.screen();
      if (done(screen)) return screen;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`timed out waiting for ${what}; the screen was:\n${screen}`);
  }
  close(): void {
    spawnSync("tmux", ["-L", this.socket, "kill-server"]);
  }
  #run(args: string[]): string {
    return execFileSync("tmux", ["-L", this.socket, ...args], { encoding: "utf8" });
  }
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function liveViewOn(engine: TestEngine | undefined, label: string) {
  const skip = !HAS_TMUX
    ? "tmux is not installed (tests/run.sh installs it with apt-get)"
    : skipWithout(engine, label);
  test(
    `the live view redraws in place, follows a resize and ends with a summary on ${label}`,
    { skip },
    async () => {
      const [cmd, args] = runtimeCommand(BUILD, []);
      // A fresh nonce makes the steps run rather than come from the cache.
      const command = [
        "env -u CI -u NO_COLOR TERM=xterm-256color",
        `DOCKER_HOST=${quote(`unix://${engine!.socket}`)} BUILDKIT_HOST=`,
        `DRYDOCK_TEST_NONCE=${unique("tty")}`,
        [cmd, ...args].map(quote).join(" "),
        '; echo "EXIT=$?"; sleep 600',
      ].join(" ");
      const tmux = new Tmux(command, 100, 30);
      try {
        // While the slow step runs: the header with its timer, the step with its timer, its latest log lines.
        const running = await tmux.waitFor(
          (s) => /│ compiling part [2-4]/.test(s),
          "the slow step's log lines",
        );
        assert.match(running, /^\[\+\] Building \d+\.\ds \(\d+\/\d+\)/m, running);
        assert.match(running, /^ => \[app 2\/3\] RUN echo "building .*… +\d+\.\ds$/m, running);
        assert.equal(running.match(/^\[\+\] Building/gm)?.length, 1, `one live header:\n${running}`);

        tmux.resize(60, 30);
        const final = await tmux.waitFor((s) => /^EXIT=\d+$/m.test(s), "the build to end");
        assert.match(final, /^EXIT=0$/m, final);
        // Finished steps stay in the scrollback, cut to the new width; the live view gave way to the summary.
        assert.match(final, /^ => \[app 2\/3\] RUN echo "building .*… +\d+\.\ds$/m, final);
        assert.match(final, /^ => \[app 3\/3\] RUN echo "testing .*… +\d+\.\ds$/m, final);
        assert.match(final, /^Built in \d+\.\ds: \d+ steps? run, \d+ cached$/m, final);
        assert.match(final, /^ {2}slowest: \[app 2\/3\] RUN echo/m, final);
        assert.match(final, /^ {2}app: built$/m, final);
        const summaryAt = final.search(/^Built in/m);
        assert.doesNotMatch(
          final.slice(summaryAt),
          /\[\+\] Building|│/,
          `nothing of the live view below:\n${final}`,
        );
        // A frame the terminal takes in while it reflows for the resize can leave one stale live row above
        // (buildx's view has the same race); nothing stale may follow the summary, checked above.
        // Control sequences were understood by the terminal, none shows as text.
        assert.doesNotMatch(final, /\[\?(2026|25)[hl]|\[\d*[AKJ]/, final);
        for (const row of final.split("\n")) assert.ok(row.length <= 60, row);
      } finally {
        tmux.close();
      }
    },
  );
}

describe("live progress on a terminal", () => {
  liveViewOn(dk26c, "Docker 26.1 (containerd store)");
  liveViewOn(dk28, "Docker 28.5 (containerd store)");
  liveViewOn(dk20, "Docker 20.10");
});
