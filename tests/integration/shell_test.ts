// Interactive shells on a real terminal: a build.ts runs inside tmux with -i (a run step fails) or --shell
// (a target builds); keys are typed into the shell, the window is resized, and the screens tmux captures are
// checked. Also a process on a terminal in a container from code (ctx.container().exec with tty and stdin).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dk20, dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { runBuildFile, runtimeCommand } from "../support/runtime.ts";
import { HAS_TMUX, quote, Tmux } from "../support/tmux.ts";

const BUILD = fileURLToPath(new URL("./fixtures/shell/build.ts", import.meta.url));
const EXEC_TTY = fileURLToPath(new URL("./fixtures/shell/exec_tty.ts", import.meta.url));

/** The build.ts in tmux, its exit status printed when it ends. */
function inTmux(engine: TestEngine, args: string[], nonce: string): Tmux {
  const [cmd, argv] = runtimeCommand(BUILD, args);
  const command = [
    "env -u CI -u NO_COLOR TERM=xterm-256color",
    `DOCKER_HOST=${quote(`unix://${engine.socket}`)} BUILDKIT_HOST=`,
    `DRYDOCK_TEST_NONCE=${nonce}`,
    [cmd, ...argv].map(quote).join(" "),
    '; echo "EXIT=$?"; sleep 600',
  ].join(" ");
  return new Tmux(command, 100, 30);
}

/** Processes on this machine whose command line contains `marker` (the engines' containers run here too). */
function hostProcesses(marker: string): string[] {
  return execFileSync("ps", ["-eo", "args"], { encoding: "utf8" }).split("\n").filter((l) =>
    l.includes(marker)
  );
}

const prompt = (s: string) => /^\/work #\s*$/m.test(s);

function shellsOn(engine: TestEngine | undefined, label: string) {
  const skip = !HAS_TMUX
    ? "tmux is not installed (tests/run.sh installs it with apt-get)"
    : skipWithout(engine, label);

  test(
    `-i opens a shell in a failed step's view; resize, Ctrl-C and exit reach it on ${label}`,
    { skip },
    async () => {
      const nonce = unique("shell");
      // A background process started in the shell must be gone once the build ended: the container is released.
      const marker = String(900000 + Math.floor(Math.random() * 99999));
      const tmux = inTmux(engine!, ["broken", "-i"], nonce);
      try {
        const opened = await tmux.waitFor(prompt, "the shell's prompt");
        // The error report comes first, then how the shell came to be, with the failed command.
        assert.match(opened, /exit code: 3/, opened);
        assert.match(opened, /the failed command: +echo shell-\S+ > \/work\/half\.txt; echo partial/, opened);
        tmux.send(`sleep ${marker} & ls; pwd; echo "G=$GREETING"; whoami; ls /cache; stty size`, "Enter");
        const looked = await tmux.waitFor((s) => /^\d+ \d+\s*$/m.test(s), "stty size");
        // Before the step: the earlier step's file, not the failed one's; its env and working directory.
        assert.match(looked, /^made\.txt\s*$/m, looked);
        assert.doesNotMatch(looked, /half\.txt\s*$/m, looked);
        assert.match(looked, /^\/work\s*$/m, looked);
        assert.match(looked, /^G=hello-from-the-step\s*$/m, looked);
        assert.match(looked, /^30 100\s*$/m, looked);
        assert.equal(hostProcesses(`sleep ${marker}`).length, 1, "the shell's background process runs");

        tmux.resize(70, 20);
        await new Promise((r) => setTimeout(r, 300));
        tmux.send("clear; stty size", "Enter");
        await tmux.waitFor((s) => /^20 70\s*$/m.test(s), "the new size inside the shell");

        tmux.send("clear; sleep 30; echo slept-$?", "Enter");
        await new Promise((r) => setTimeout(r, 500));
        tmux.send("C-c");
        // Ctrl-C interrupted the sleep (no "slept"), and the shell is still there.
        const interrupted = await tmux.waitFor(
          (s) => /\^C/.test(s) && prompt(s),
          "the shell after Ctrl-C",
          10_000,
        );
        assert.doesNotMatch(interrupted, /slept-0/, interrupted);

        tmux.send("exit 0", "Enter");
        const ended = await tmux.waitFor((s) => /^EXIT=\d+$/m.test(s), "the build to end", 30_000);
        // The step's exit code, whatever the shell's.
        assert.match(ended, /^EXIT=3$/m, ended);
        assert.match(ended, /the shell exited \(0\); the build ends/, ended);
        assert.deepEqual(hostProcesses(`sleep ${marker}`), [], "nothing of the shell's container is left");
      } finally {
        tmux.close();
      }
    },
  );

  test(
    `--shell opens a shell in a target's final state; Ctrl-D goes on with the build on ${label}`,
    { skip },
    async () => {
      const tmux = inTmux(engine!, ["--shell", "fine"], unique("shell"));
      try {
        await tmux.waitFor(prompt, "the shell's prompt");
        tmux.send("cat final.txt; pwd", "Enter");
        await tmux.waitFor((s) => /^final\s*$/m.test(s), "the final state's file");
        tmux.send("C-d");
        const ended = await tmux.waitFor((s) => /^EXIT=\d+$/m.test(s), "the build to end", 30_000);
        assert.match(ended, /^EXIT=0$/m, ended);
        assert.match(ended, /^fine: built\s*$/m, ended);
      } finally {
        tmux.close();
      }
    },
  );

  test(`a process on a terminal from ctx.container().exec() gets its size and stdin on ${label}`, {
    skip: skipWithout(engine, label),
  }, async () => {
    const r = await runBuildFile(EXEC_TTY, ["--progress", "plain"], {
      DOCKER_HOST: `unix://${engine!.socket}`,
      BUILDKIT_HOST: "",
    });
    assert.equal(r.code, 0, r.stderr);
    const line = r.stdout.split("\n").find((l) => l.startsWith("TTY-OUTPUT "));
    const seen = JSON.parse(line!.slice("TTY-OUTPUT ".length)) as { stdout: string; exitCode: number };
    assert.equal(seen.exitCode, 0);
    // A terminal: lines end in \r\n; the size set with resize(); the line written to stdin.
    assert.match(seen.stdout, /^33 77\r$/m, seen.stdout);
    assert.match(seen.stdout, /^got:hello\r$/m, seen.stdout);
  });
}

describe("interactive shells", () => {
  test("-i without a terminal is a usage error that says why", async () => {
    const r = await runBuildFile(BUILD, ["broken", "-i"], {});
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /-i \(or --on-error shell\) opens an interactive shell, which needs a terminal, but stdin and stdout are not one/,
    );
  });
  shellsOn(dk26c, "Docker 26.1 (containerd store)");
  shellsOn(dk28, "Docker 28.5");
  shellsOn(dk20, "Docker 20.10");
});
