import { test } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { PassThrough } from "node:stream";
import type { ShellAccess, ShellProcess, TerminalSize } from "../solve/debug_shell.ts";
import { requireTerminal, runShell, type ShellTerminal } from "./interactive_shell.ts";
import { UsageError } from "./usage_error.ts";

test("requireTerminal says which of stdin and stdout is not a terminal, as a usage error", () => {
  requireTerminal("-i", { stdin: { isTTY: true }, stdout: { isTTY: true } });
  assert.throws(
    () => requireTerminal("-i", { stdin: {}, stdout: { isTTY: true } }),
    (e) =>
      e instanceof UsageError &&
      /-i opens an interactive shell, which needs a terminal, but stdin is not one/.test(e.message),
  );
  assert.throws(
    () => requireTerminal("--shell", { stdin: {}, stdout: {} }),
    /but stdin and stdout are not one/,
  );
});

/** A terminal whose keys, raw mode and size the test controls. */
function fakeTerminal(size: TerminalSize) {
  const input = Object.assign(new EventEmitter(), {
    isRaw: false,
    setRawMode(raw: boolean) {
      this.isRaw = raw;
      return this;
    },
    resume() {},
    pause() {},
  });
  const output = new PassThrough();
  let written = "";
  output.on("data", (c) => (written += c));
  const listeners = new Set<() => void>();
  let current = size;
  const terminal = {
    input: input as unknown as ShellTerminal["input"],
    output,
    size: () => current,
    onResize: (l: () => void) => (listeners.add(l), () => listeners.delete(l)),
  } satisfies ShellTerminal;
  return {
    terminal,
    input,
    written: () => written,
    resize: (s: TerminalSize) => {
      current = s;
      for (const l of listeners) l();
    },
    listeners,
  };
}

test("runShell sends keys raw, follows resizes, shows the output and gives the exit code; the terminal is restored", async () => {
  const t = fakeTerminal({ rows: 30, cols: 100 });
  const typed: string[] = [];
  const sizes: TerminalSize[] = [];
  let out!: ReadableStreamDefaultController<Uint8Array>;
  let exited!: (code: number) => void;
  const proc: ShellProcess = {
    output: new ReadableStream({ start: (c) => void (out = c) }),
    write: (d) => void typed.push(new TextDecoder().decode(d)),
    resize: (s) => void sizes.push(s),
    exit: new Promise((r) => (exited = r)),
  };
  const access: ShellAccess = {
    target: "app",
    open: (args, size) => {
      assert.deepEqual(args, ["/bin/sh"]);
      sizes.push(size);
      return Promise.resolve(proc);
    },
  };
  const running = runShell(access, ["/bin/sh"], t.terminal);
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(t.input.isRaw, true);
  t.input.emit("data", new TextEncoder().encode("ls\r"));
  t.input.emit("data", "\x03");
  t.resize({ rows: 20, cols: 70 });
  t.resize({ rows: 20, cols: 70 }); // the same size twice is one resize
  out.enqueue(new TextEncoder().encode("made.txt\r\n"));
  out.close();
  exited(3);
  assert.equal(await running, 3);
  assert.deepEqual(typed, ["ls\r", "\x03"]);
  assert.deepEqual(sizes, [{ rows: 30, cols: 100 }, { rows: 20, cols: 70 }]);
  assert.equal(t.written(), "made.txt\r\n");
  assert.equal(t.input.isRaw, false);
  assert.equal(t.input.listenerCount("data"), 0);
  assert.equal(t.listeners.size, 0);
});
