/**
 * What a build takes from the process that runs it: environment variables, working directory, arguments and the
 * standard streams. Made once at the entry point (`build()`, `buildTargets()`) and passed down, so nothing
 * below the CLI reads the process's configuration for itself.
 *
 * @module
 */
import type { Writable } from "node:stream";

/** A stream the CLI writes to; a terminal when `isTTY`, with its size in `columns` and `rows`. */
export type OutputStream = Writable & {
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
};

/**
 * The process's configuration, as one build sees it.
 *
 * @example
 * ```ts
 * import { PassThrough } from "node:stream";
 * import type { BuildEnvironment } from "./environment.ts";
 * const environment: BuildEnvironment = {
 *   env: { BUILDKIT_HOST: "tcp://127.0.0.1:1234" },
 *   cwd: "/src/app",
 *   argv: ["--target", "app"],
 *   stdout: new PassThrough(),
 *   stderr: new PassThrough(),
 * };
 * ```
 */
export interface BuildEnvironment {
  /** Environment variables: engine discovery, `{ env }` secrets, `SSH_AUTH_SOCK`, Docker config, `NO_COLOR` ... */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The directory the command was typed in: the base of paths given on the command line. */
  readonly cwd: string;
  /** The command-line arguments after the program's name. */
  readonly argv: readonly string[];
  /** Standard output: `--help`, `--print` and `-` (tar to standard output) outputs. */
  readonly stdout: OutputStream;
  /** Standard error: progress and error reports; a terminal when `stderr.isTTY`. */
  readonly stderr: OutputStream;
}
