/**
 * `convert [Dockerfile] [-o build.ts] [--import drydock] [--context .]`:
 * writes the build.ts for a Dockerfile (standard output without `-o`) and
 * lists on standard error what stayed a TODO. Run it with
 * `deno run -A src/convert/main.ts` or `bun src/convert/main.ts`.
 *
 * @module
 */
import process from "node:process";
import { runConvert } from "./cli.ts";

if (import.meta.main) {
  process.exitCode = await runConvert(process.argv.slice(2), {
    cwd: process.cwd(),
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
  });
}
