/**
 * A terminal for tests: a tmux server of our own (its own socket) with one window running a command, whose
 * screen is captured, keys sent and size changed. tmux is Debian's package; tests/run.sh installs it.
 *
 * @module
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { unique } from "./engines.ts";

/** Whether tmux can be run here. */
export const HAS_TMUX = spawnSync("tmux", ["-V"]).status === 0;

/** Quotes `s` for the shell tmux runs the command with. */
export const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** One tmux window running `command` at `columns` x `rows`. */
export class Tmux {
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
  /** Types `keys`: text as is, or tmux key names (`Enter`, `C-c`, `C-d`). */
  send(...keys: string[]): void {
    this.#run(["send-keys", "-t", "build", ...keys]);
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
