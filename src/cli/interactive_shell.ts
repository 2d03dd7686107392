/**
 * `-i` and `--shell`: a shell in the engine driven from this terminal. Keys go
 * to the shell raw (Ctrl-C and Ctrl-D included), its output comes back as is,
 * and the window size follows the terminal's.
 *
 * @module
 */
import process from "node:process";
import type { BuildEnvironment, OutputStream } from "../core/environment.ts";
import type { ShellAccess, TerminalSize } from "../solve/debug_shell.ts";
import { stderrTerminal } from "./terminal.ts";
import { UsageError } from "./usage_error.ts";

/** What the shell runs on: the process's own terminal by default. */
export interface ShellTerminal {
  readonly input: NodeJS.ReadStream;
  readonly output: OutputStream;
  /** The terminal's size now. */
  size(): TerminalSize;
  /** Calls `listener` when the window is resized; returns the unsubscribe. */
  onResize(listener: () => void): () => void;
}

/**
 * Throws a usage error saying why when stdin or stdout is not a terminal: a
 * shell needs one to type into and to show.
 *
 * @example
 * ```ts
 * import { requireTerminal } from "./interactive_shell.ts";
 * import process from "node:process";
 * // requireTerminal("-i", process); // throws under CI, where stdin is not a terminal
 * ```
 */
export function requireTerminal(
  flag: string,
  streams: { readonly stdin: { readonly isTTY?: boolean }; readonly stdout: { readonly isTTY?: boolean } },
): void {
  const missing = [!streams.stdin.isTTY && "stdin", !streams.stdout.isTTY && "stdout"].filter(Boolean);
  if (missing.length === 0) return;
  throw new UsageError(
    `${flag} opens an interactive shell, which needs a terminal, but ${missing.join(" and ")} ` +
      `${missing.length > 1 ? "are" : "is"} not one (run it from a terminal, without redirecting it)`,
  );
}

/**
 * The process's terminal: keys from its stdin, the shell's output to the environment's stdout, the size asked of
 * the terminal (stderr, as the progress view does; stdout when stderr is not one).
 *
 * @example
 * ```ts
 * import { processTerminal } from "./interactive_shell.ts";
 * import { processEnvironment } from "./environment.ts";
 * const size = processTerminal(processEnvironment({ argv: [] })).size(); // { rows: 24, cols: 80 } off a terminal
 * ```
 */
export function processTerminal(environment: Pick<BuildEnvironment, "stdout" | "stderr">): ShellTerminal {
  const { stdout } = environment;
  const sizeOf = stderrTerminal(environment.stderr);
  return {
    input: process.stdin,
    output: stdout,
    size: () => {
      const s = sizeOf.size?.() ??
        (stdout.isTTY ? { columns: stdout.columns, rows: stdout.rows } : undefined);
      return { rows: s?.rows || 24, cols: s?.columns || 80 };
    },
    onResize: (listener) => {
      // SIGWINCH is the signal itself; Node-style streams also say "resize" where they watch for it.
      process.on("SIGWINCH", listener);
      stdout.on("resize", listener);
      return () => {
        process.off("SIGWINCH", listener);
        stdout.off("resize", listener);
      };
    },
  };
}

/**
 * Opens `args` through `access` on `terminal` and returns the shell's exit code once it exits. The
 * terminal is put back as it was on every path.
 *
 * @example
 * ```ts
 * import { runShell, processTerminal } from "./interactive_shell.ts";
 * // const code = await runShell(access, ["/bin/sh"], processTerminal(environment));
 * ```
 */
export async function runShell(
  access: ShellAccess,
  args: readonly string[],
  terminal: ShellTerminal,
): Promise<number> {
  const { input, output } = terminal;
  let last = terminal.size();
  const proc = await access.open(args, last);
  const onData = (data: Uint8Array | string) =>
    proc.write(typeof data === "string" ? new TextEncoder().encode(data) : data);
  const stopResize = terminal.onResize(() => {
    const size = terminal.size();
    if (size.rows === last.rows && size.cols === last.cols) return;
    last = size;
    proc.resize(size);
  });
  const wasRaw = input.isRaw;
  try {
    input.setRawMode?.(true);
    input.on("data", onData);
    input.resume();
    for await (const chunk of proc.output) output.write(chunk);
    return await proc.exit;
  } finally {
    stopResize();
    input.off("data", onData);
    input.setRawMode?.(wasRaw ?? false);
    input.pause();
  }
}
