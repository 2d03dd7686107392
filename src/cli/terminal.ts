/**
 * The terminal progress is drawn on: stderr, with a live size query where the runtime has one.
 *
 * @module
 */
import process from "node:process";
import type { TerminalOutput } from "../progress/tty.ts";

interface DenoConsole {
  consoleSize?(): { columns: number; rows: number };
}

/**
 * `process.stderr` as a {@link TerminalOutput}. Under Deno the size is asked of the terminal at every frame
 * (`Deno.consoleSize`), so a resize is seen before the signal for it is handled; elsewhere the stream's own
 * `columns`/`rows` are used.
 *
 * @example
 * ```ts
 * import { stderrTerminal } from "./terminal.ts";
 * const terminal = stderrTerminal();
 * terminal.write("");
 * ```
 */
export function stderrTerminal(): TerminalOutput {
  const stderr = process.stderr;
  const deno = (globalThis as { Deno?: DenoConsole }).Deno;
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
      if (!deno?.consoleSize) return undefined;
      try {
        return deno.consoleSize();
      } catch {
        return undefined; // not a terminal
      }
    },
  };
}
