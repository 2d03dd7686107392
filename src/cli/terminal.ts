/**
 * The terminal progress is drawn on: stderr, with its size asked of the terminal at every frame.
 *
 * @module
 */
import type { OutputStream } from "../core/environment.ts";
import type { TerminalOutput } from "../progress/tty.ts";

/** What Node's tty streams (and Deno's and Bun's copies of them) have for re-reading the window size. */
interface RefreshableStream {
  _refreshSize?(): void;
}

/**
 * The CLI's standard error as a {@link TerminalOutput}. Its size is asked of the terminal before every frame
 * (`_refreshSize`, which Node, Deno and Bun implement with the terminal's ioctl), so a resize is seen before
 * the signal for it is handled.
 *
 * @example
 * ```ts
 * import process from "node:process";
 * import { stderrTerminal } from "./terminal.ts";
 * const terminal = stderrTerminal(process.stderr);
 * terminal.write("");
 * ```
 */
export function stderrTerminal(stderr: OutputStream): TerminalOutput {
  return {
    write: (text: string) => stderr.write(text),
    get columns() {
      return stderr.columns;
    },
    get rows() {
      return stderr.rows;
    },
    on: (event, listener) => stderr.on(event, listener),
    off: (event, listener) => stderr.off(event, listener),
    size: () => {
      if (!stderr.isTTY) return undefined;
      try {
        (stderr as unknown as RefreshableStream)._refreshSize?.();
      } catch {
        return undefined; // the terminal went away; keep the last known size
      }
      const { columns, rows } = stderr;
      return columns === undefined || rows === undefined ? undefined : { columns, rows };
    },
  };
}
