/**
 * Command-line arguments of a build.ts, parsed with `node:util` parseArgs
 * (the same on Deno, Bun and Node).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { State } from "../dsl/state.ts";
import { PROGRESS_MODES, type ProgressMode } from "../progress/renderer.ts";
import type { Targets } from "../solve/build.ts";

/** A bad command line; the CLI exits with status 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** The parsed command line. */
export interface CliArgs {
  targets: string[];
  progress: ProgressMode;
  host?: string;
  help: boolean;
}

const OPTIONS = {
  target: { type: "string", short: "t", multiple: true },
  progress: { type: "string" },
  host: { type: "string" },
  builder: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const PROGRESS = PROGRESS_MODES;

/**
 * Parses `argv`; throws {@link UsageError} with the closest valid flag or target.
 *
 * @example
 * ```ts
 * import { parseCli } from "./args.ts";
 * parseCli(["--target", "app", "--progress=plain"], ["app", "test"]).targets; // ["app"]
 * ```
 */
export function parseCli(argv: readonly string[], targetNames: readonly string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    const flag = /'(-{1,2}[^'\s]+)'/.exec((err as Error).message)?.[1];
    if (flag && /Unknown option/.test((err as Error).message)) {
      const known = Object.keys(OPTIONS).map((o) => `--${o}`);
      const near = closest(flag.replace(/=.*$/, ""), known);
      throw new UsageError(`unknown flag ${flag}${near ? `; did you mean ${near}?` : ""}`);
    }
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  const targets = [...(v.target ?? []), ...parsed.positionals];
  for (const t of targets) {
    if (!targetNames.includes(t)) {
      const near = closest(t, targetNames);
      throw new UsageError(
        `unknown target "${t}"${near ? `; did you mean "${near}"?` : ""} (targets: ${
          targetNames.join(", ")
        })`,
      );
    }
  }
  const progress = v.progress ?? "auto";
  if (!(PROGRESS as readonly string[]).includes(progress)) {
    throw new UsageError(`--progress must be one of ${PROGRESS.join(", ")}, not "${progress}"`);
  }
  return {
    targets,
    progress: progress as CliArgs["progress"],
    host: v.host ?? v.builder,
    help: v.help ?? false,
  };
}

/**
 * The `--help` text, listing the declared targets.
 *
 * @example
 * ```ts
 * import { image } from "../../mod.ts";
 * import { usage } from "./args.ts";
 * usage({ app: image("busybox") }); // "Usage: build.ts [options] [target...]\n..."
 * ```
 */
export function usage(targets: Targets): string {
  const rows = Object.entries(targets).map(([name, t]) => {
    const description = t instanceof State ? "" : t.description ?? "";
    return `  ${name.padEnd(16)} ${description}`.trimEnd();
  });
  return [
    "Usage: build.ts [options] [target...]",
    "",
    "Targets:",
    ...rows,
    "",
    "Options:",
    "  -t, --target NAME      build this target (repeatable; positional names work too)",
    "      --progress MODE    auto (default: tty on a terminal, plain in CI or a pipe), tty, plain, rawjson",
    "                         or quiet",
    "      --host ADDRESS     engine to use: unix:///path.sock or tcp://host:port for a buildkitd,",
    "                         docker+unix:///path.sock for Docker (overrides BUILDKIT_HOST and DOCKER_HOST)",
    "  -h, --help             show this help",
    "",
  ].join("\n");
}

/** The candidate within edit distance 3 of `word`, if any. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 4;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
