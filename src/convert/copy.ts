/**
 * COPY and ADD to `.copy(...)`: sources from the context, another stage or an
 * image, heredoc documents, and the `--chown`, `--chmod`, `--link`,
 * `--exclude` flags; ADD extracts local archives (`unpack`) and fetches URLs and git repositories
 * (add_remote.ts).
 *
 * @module
 */
import type { ConvertContext, StageContext } from "./context.ts";
import { fromExpr, type InstructionText } from "./run.ts";
import { remoteCopy, remoteKind } from "./add_remote.ts";
import { posix } from "node:path";
import { expandWord, js, jsonArray } from "./words.ts";

/** chmod's symbolic syntax: `[ugoa]*[+-=][rwxXst]*`, comma separated. */
const SYMBOLIC_MODE = /^[ugoa]*[-+=][rwxXst]*(,[ugoa]*[-+=][rwxXst]*)*$/;

/**
 * The `.copy(...)` call for a COPY or ADD, or a TODO.
 *
 * @example
 * ```ts
 * // copyCall(ctx, stage, { keyword: "COPY", args: "a.txt /app/", flags: [], ... }); // { call: '.copy(ctx, "a.txt", "/app/")' }
 * ```
 */
export function copyCall(
  ctx: ConvertContext,
  stage: StageContext,
  i: InstructionText,
): { call: string } | { todo: string } {
  const add = i.keyword === "ADD";
  let from: string | undefined;
  const options: string[] = [];
  const exclude: string[] = [];
  let chmod: string | undefined;
  let link = false;
  let checksum: string | undefined;
  let parents = false;
  let keepGitDir = false;
  for (const [name, value] of i.flags) {
    if (name === "from" && value) from = value;
    else if (name === "chown" && value) {
      const owner = expandWord(value, ctx.scope(stage));
      if (owner === undefined) return { todo: `a variable in --chown` };
      options.push(`chown: ${owner}`);
    } else if (name === "chmod" && value) {
      chmod = value;
      if (/^[0-7]{1,4}$/.test(value)) options.push(`chmod: 0o${parseInt(value, 8).toString(8)}`);
      // Symbolic modes need a frontend (and engine) that applies them; older ones ignore them.
      else if (SYMBOLIC_MODE.test(value)) options.push(`chmod: ${js(value)}`);
      else return { todo: `--chmod=${value}` };
    } else if (name === "parents") parents = value === null || value === "true";
    else if (name === "link") link = value === null || value === "true";
    else if (name === "exclude" && value) exclude.push(value);
    else if (add && name === "checksum" && value) checksum = value;
    else if (add && name === "keep-git-dir") keepGitDir = value === null || value === "true";
    else return { todo: `the flag --${name}${value === null ? "" : `=${value}`}` };
  }
  if (exclude.length > 0) options.push(`exclude: [${exclude.map(js).join(", ")}]`);
  // As the frontend: --link with --chmod is a plain copy.
  if (link && chmod === undefined) options.push("link: true");

  const heredoc = /^<<(-?)(["']?)([A-Za-z0-9_.\/-]+)\2[ \t]+(\S+)[ \t]*\n/.exec(i.rawArgs.trimStart());
  if (heredoc) return heredocCopy(ctx, i, heredoc, options);
  if (i.args.trimStart().startsWith("<<")) return { todo: "this heredoc form" };

  const words = jsonArray(i.args) ?? splitWords(i.args);
  if (words.length < 2) return { todo: "fewer than two arguments" };
  const dest = expandWord(words.at(-1)!, ctx.scope(stage));
  const sources = words.slice(0, -1);
  if (dest === undefined) return { todo: "a variable in the destination" };
  if (add) {
    const remote = sources.filter((s) => remoteKind(s) !== undefined);
    if (remote.length > 0) {
      if (sources.length > 1) return { todo: "ADD of a URL or git repository with other sources" };
      return remoteCopy(ctx, { src: remote[0], dest, options, checksum, keepGitDir });
    }
    if (checksum !== undefined || keepGitDir) {
      return { todo: "--checksum or --keep-git-dir on local sources" };
    }
    options.push("unpack: true");
  }
  if (parents) {
    // As the frontend: the part after "/./" (or the whole path) is kept under dest, matched from the part before.
    if (sources.length > 1) return { todo: "--parents with several sources" };
    const [pivot, pattern] = sources[0].includes("/./") ? sources[0].split("/./", 2) : ["/", sources[0]];
    if ([pivot, pattern].some((p) => p.includes("$"))) return { todo: "a variable in a --parents source" };
    options.push(`include: [${js(posix.join("/", pattern).slice(1))}]`);
    sources.splice(0, 1, posix.join("/", pivot));
  }
  const source = from === undefined ? ctx.context() : fromExpr(ctx, from);
  // A stage's or image's paths start at its root, whatever its WORKDIR.
  const srcs: string[] = [];
  for (const s of sources) {
    const expr = expandWord(from === undefined || s.startsWith("/") ? s : `/${s}`, ctx.scope(stage));
    if (expr === undefined) return { todo: "a variable in a source path" };
    srcs.push(expr);
  }
  const src = srcs.length === 1 ? srcs[0] : `[${srcs.join(", ")}]`;
  return { call: `.copy(${source}, ${src}, ${dest}${options.length ? `, { ${options.join(", ")} }` : ""})` };
}

function heredocCopy(
  ctx: ConvertContext,
  i: InstructionText,
  m: RegExpExecArray,
  options: string[],
): { call: string } | { todo: string } {
  const body = i.rawArgs.trimStart().slice(m[0].length);
  const end = body.lastIndexOf(`\n${m[3]}`);
  if (end === -1 && !body.startsWith(m[3])) return { todo: "an unterminated heredoc" };
  const content = end === -1 ? "" : body.slice(0, end + 1);
  if (body.slice(end + 1 + m[3].length).trim() !== "") return { todo: "more than one heredoc document" };
  ctx.imports.add("scratch");
  const name = `/${m[3]}`;
  // The frontend writes the document to an empty filesystem and copies it without COPY's path rules.
  const doc = `scratch().mkfile(${js(name)}, ${js(m[1] ? content.replace(/^\t+/gm, "") : content)})`;
  const opts = [
    ...options.filter((o) => !o.startsWith("unpack")),
    "followSymlinks: false",
    "contentsOnly: false",
    "allowWildcard: false",
    "allowEmptyWildcard: false",
  ];
  return { call: `.copy(${doc}, ${js(name)}, ${js(m[4])}, { ${opts.join(", ")} })` };
}

/** Shell-form words: whitespace-separated, quotes removed. */
function splitWords(text: string): string[] {
  const words: string[] = [];
  for (const m of text.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]);
  return words;
}
