/**
 * `--help` and `--list` text, generated from the built-in flags and the
 * build.ts's own targets and parameters.
 *
 * @module
 */
import { FLAG_GROUPS, FLAGS, type FlagSpec } from "./flags.ts";
import type { ParamSpec } from "./params.ts";

/** A target as help shows it. */
export interface TargetSummary {
  readonly name: string;
  readonly description?: string;
  /** Built when no target is named. */
  readonly isDefault: boolean;
}

const COLUMN = 26;

/**
 * The whole `--help` text.
 *
 * @example
 * ```ts
 * import { helpText } from "./help.ts";
 * helpText("build.ts", [{ name: "app", description: "the image", isDefault: true }], []);
 * // "Usage: build.ts [options] [target...]\n\nTargets:\n  app  the image (default)\n..."
 * ```
 */
export function helpText(
  program: string,
  targets: readonly TargetSummary[],
  params: readonly ParamSpec[],
): string {
  const sections = [`Usage: ${program} [options] [target...]\n`];
  sections.push(`Targets:\n${listText(targets)}`);
  if (params.length > 0) {
    sections.push(`Parameters (also settable with --build-arg NAME=VALUE):\n${paramsText(params)}`);
  }
  sections.push(optionsText());
  return sections.join("\n");
}

/**
 * The `--list` text: one target a line, with its description.
 *
 * @example
 * ```ts
 * import { listText } from "./help.ts";
 * listText([{ name: "app", description: "the image", isDefault: true }]); // "  app  the image (default)\n"
 * ```
 */
export function listText(targets: readonly TargetSummary[]): string {
  const width = Math.max(0, ...targets.map((t) => t.name.length));
  return targets.map((t) => {
    const about = [t.description, t.isDefault ? "(default)" : ""].filter(Boolean).join(" ");
    return `  ${t.name.padEnd(width)}  ${about}`.trimEnd() + "\n";
  }).join("");
}

/**
 * The built-in options, grouped; the same text is the README's CLI reference.
 *
 * @example
 * ```ts
 * import { optionsText } from "./help.ts";
 * optionsText().split("\n")[0]; // "Target options:"
 * ```
 */
export function optionsText(): string {
  const parts: string[] = [];
  for (const group of FLAG_GROUPS) {
    const flags = FLAGS.filter((f) => f.group === group);
    if (flags.length === 0) continue;
    parts.push(`${group} options:\n${flags.map(flagRow).join("")}`);
  }
  return parts.join("\n");
}

function flagRow(f: FlagSpec): string {
  const names = `${f.short ? `-${f.short}, ` : "    "}--${f.name}${f.value ? ` ${f.value}` : ""}`;
  return row(names, f.help);
}

function paramsText(params: readonly ParamSpec[]): string {
  return params.map((p) => {
    const value = p.kind === "boolean"
      ? ""
      : p.choices
      ? ` ${p.choices.join("|")}`
      : ` ${p.kind.toUpperCase()}`;
    const notes = [
      p.required ? "(required)" : p.defaultText !== undefined ? `(default: ${p.defaultText})` : "",
      p.kind === "list" ? "(repeatable)" : "",
    ].filter(Boolean).join(" ");
    return row(`    --${p.flag}${value}`, [p.description ?? "", notes].filter(Boolean).join(" "));
  }).join("");
}

function row(left: string, help: string): string {
  const [first, ...rest] = help.split("\n");
  const head = left.length > COLUMN - 3
    ? `  ${left}\n${" ".repeat(COLUMN)}${first}`
    : `  ${left.padEnd(COLUMN - 2)}${first}`;
  return [head.trimEnd(), ...rest.map((l) => " ".repeat(COLUMN) + l)].join("\n") + "\n";
}
