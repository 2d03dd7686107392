/**
 * How the CLI reports failures: one readable paragraph, no stack trace. A failed step is shown with its name,
 * what went wrong (exit code, missing path, image, secret), its last log lines and a code frame of the build.ts
 * call that made it; a bad option with a code frame of the call that got it.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import type { SourceLocation } from "../core/location.ts";
import { printable } from "../progress/text.ts";
import type { ProgressModel } from "../progress/model.ts";
import { BuildError } from "../solve/errors.ts";
import { codeFrame } from "./code_frame.ts";
import { explainFailure } from "./failure_hint.ts";

/** Exit statuses of a build.ts run as a program. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** Options for {@linkcode formatError}. */
export interface FormatErrorOptions {
  /** The build's progress, for the failed step's name and log lines. */
  model?: ProgressModel;
  /**
   * How many of the failed step's last log lines to show.
   * @default {10}
   */
  logLines?: number;
  /**
   * Colour the code frame's marker.
   * @default {false}
   */
  color?: boolean;
  /**
   * The working directory: build.ts locations are shown relative to it when that is shorter.
   * @default absolute paths
   */
  cwd?: string;
}

/**
 * The text printed for an error: a failed build step with its name, hint, log tail and code frame; an option
 * error with its code frame; other drydock errors as their message; anything else (a bug) with its stack so it
 * can be reported.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatError } from "@drydock/core/progress";
 * import { DrydockError } from "@drydock/core";
 *
 * assert.equal(formatError(new DrydockError("E_PUSH", "it broke")), "error: it broke\n");
 * ```
 */
export function formatError(err: unknown, options: FormatErrorOptions = {}): string {
  if (err instanceof BuildError) return formatBuildError(err, options);
  if (err instanceof DrydockError) {
    // Errors about a build.ts call (a bad option, a secret with no source...) show that call.
    const location = locationOf(err);
    const frame = location && codeFrame(location, { color: options.color, cwd: options.cwd });
    return `error: ${err.describe(options.cwd)}\n${frame ? frame + "\n" : ""}`;
  }
  if (err instanceof Error) return `error: ${err.message}\n${err.stack ?? ""}\n`;
  return `error: ${String(err)}\n`;
}

function formatBuildError(err: BuildError, options: FormatErrorOptions): string {
  const vertex = err.vertex && options.model?.vertex(err.vertex);
  const step = err.step ?? (vertex?.name || undefined);
  const explained = explainFailure(err.engineMessage);
  // The exit code the engine reported beats one read from its message.
  const hint = err.exitCode !== undefined && explained.exitCode === undefined
    ? { summary: `exited with code ${err.exitCode}`, exitCode: err.exitCode }
    : explained;
  const lines = [`error: ${step ? `${step}: ` : ""}${hint.summary}`];
  const frame = err.location &&
    codeFrame(err.location, { color: options.color, text: err.sourceText, cwd: options.cwd });
  if (frame) lines.push(frame);
  const logs = err.vertex && options.model
    ? options.model.lastLogLines(err.vertex, options.logLines ?? 10)
    : [];
  if (logs.length > 0) {
    lines.push(`  last ${logs.length === 1 ? "log line" : `${logs.length} log lines`}:`);
    for (const line of logs) lines.push(`    > ${printable(line)}`);
  }
  if (hint.summary !== err.engineMessage) lines.push(`  engine: ${err.engineMessage}`);
  return lines.join("\n") + "\n";
}

/** The build.ts location a drydock error carries in its `location` field, if any. */
function locationOf(err: DrydockError): SourceLocation | undefined {
  const location = (err as { location?: unknown }).location;
  if (typeof location !== "object" || location === null) return undefined;
  const { file, line, column } = location as Record<string, unknown>;
  return typeof file === "string" && typeof line === "number" && typeof column === "number"
    ? { file, line, column }
    : undefined;
}
