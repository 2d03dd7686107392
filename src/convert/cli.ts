/**
 * The `convert` command, as a function the package's bin (or any program)
 * calls with its arguments and where to write.
 *
 * @module
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { convertDockerfile } from "./convert.ts";

/** Where the command reads and writes. */
export interface ConvertIo {
  /** The directory relative paths start from. */
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const USAGE = `usage: convert [Dockerfile] [-o build.ts] [--import drydock] [--context dir]
  Dockerfile      the Dockerfile to convert (default ./Dockerfile)
  -o, --output    write the build.ts here (default: standard output)
  --import        the module build.ts imports drydock from (default "drydock")
  --context       the build context (default: the current directory)
`;

/**
 * Runs `convert` with `argv`; returns the exit status (0 converted, 1 could
 * not read or write, 2 bad arguments). TODOs are listed on `stderr`.
 *
 * @example
 * ```ts
 * import { runConvert } from "./cli.ts";
 * // const status = await runConvert(["Dockerfile", "-o", "build.ts"], { cwd: ".", stdout: console.log, stderr: console.error });
 * ```
 */
export function runConvert(argv: readonly string[], io: ConvertIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        output: { type: "string", short: "o" },
        import: { type: "string" },
        context: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    io.stderr(`convert: ${(e as Error).message}\n${USAGE}`);
    return Promise.resolve(2);
  }
  if (parsed.values.help) {
    io.stdout(USAGE);
    return Promise.resolve(0);
  }
  if (parsed.positionals.length > 1) {
    io.stderr(`convert: one Dockerfile at a time\n${USAGE}`);
    return Promise.resolve(2);
  }
  const file = resolve(io.cwd, parsed.positionals[0] ?? "Dockerfile");
  const output = parsed.values.output === undefined ? undefined : resolve(io.cwd, parsed.values.output);
  const context = resolve(io.cwd, parsed.values.context ?? ".");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    io.stderr(`convert: cannot read ${file}: ${(e as Error).message}\n`);
    return Promise.resolve(1);
  }
  // local() paths are relative to the build.ts, wherever it is run from.
  const fromOutput = relative(output ? dirname(output) : io.cwd, context) || ".";
  const { code, todos } = convertDockerfile(text, {
    importFrom: parsed.values.import ?? "drydock",
    context: fromOutput.startsWith(".") ? fromOutput : `./${fromOutput}`,
  });
  for (const t of todos) {
    io.stderr(
      `convert: ${relative(io.cwd, file)}:${t.line}: not translated (${t.reason}): ${
        t.instruction.split("\n")[0]
      }\n`,
    );
  }
  if (output === undefined) io.stdout(code);
  else {
    try {
      writeFileSync(output, code);
    } catch (e) {
      io.stderr(`convert: cannot write ${output}: ${(e as Error).message}\n`);
      return Promise.resolve(1);
    }
  }
  return Promise.resolve(0);
}
