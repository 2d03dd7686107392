/**
 * `convertDockerfile()`: a Dockerfile as an idiomatic build.ts: one const
 * per stage named after it, `params()` for ARGs with defaults, `local(".")`
 * (which applies the .dockerignore) for the context, targets for the final
 * and the named stages, comments carried over. What it cannot translate stays
 * as a `// TODO:` with the original line and is listed in the result.
 *
 * @module
 */
import { type Comment, DockerfileParser, type From, type Instruction } from "dockerfile-ast";
import { ConvertContext, type ConvertTodo, type StageContext } from "./context.ts";
import { copyCall } from "./copy.ts";
import { type InstructionText, runCall } from "./run.ts";
import { settingsCall } from "./settings.ts";
import { expandWord, js, key } from "./words.ts";

export type { ConvertTodo };

/** Options of {@link convertDockerfile}. */
export interface ConvertOptions {
  /** The module build.ts imports drydock from. @default "drydock" */
  importFrom?: string;
  /** The build context, relative to the build.ts. @default "." */
  context?: string;
}

/** The build.ts text and what stayed a TODO. */
export interface ConvertResult {
  readonly code: string;
  readonly todos: readonly ConvertTodo[];
}

/**
 * Converts a Dockerfile's text to build.ts source.
 *
 * @example
 * ```ts
 * import { convertDockerfile } from "./convert.ts";
 * const { code, todos } = convertDockerfile("FROM busybox\nRUN echo hi > /hi\n");
 * code.includes('const final = image("busybox")'); // true
 * todos.length; // 0
 * ```
 */
export function convertDockerfile(text: string, options: ConvertOptions = {}): ConvertResult {
  const dockerfile = DockerfileParser.parse(text);
  const ctx = new ConvertContext();
  const lines = text.split("\n");
  const instructions = dockerfile.getInstructions();
  const fromCount = instructions.filter((i) => i.getKeyword() === "FROM").length;
  const comments = commentsByLine(dockerfile.getComments(), instructions);
  const header: string[] = dockerfile.getDirectives().map((d) =>
    `// ${d.getName()}=${d.getValue()} (a parser directive: build.ts needs none)`
  );
  let stage: StageContext | undefined;
  let seenFroms = 0;

  for (const instr of instructions) {
    const i = textOf(instr, lines);
    const before = (comments.get(i.line) ?? []).map((c) => `// ${c}`.trimEnd());
    if (i.keyword === "FROM") {
      stage = startStage(ctx, instr as From, i, seenFroms++, seenFroms === fromCount, before);
      continue;
    }
    if (!stage) {
      header.push(...before);
      if (i.keyword === "ARG") globalArgs(ctx, instr, i, header);
      else ctx.todo(undefined, i.line, i.original, "only ARG may come before the first FROM");
      continue;
    }
    stage.lines.push(...before);
    const t = i.keyword === "RUN"
      ? runCall(ctx, stage, i)
      : i.keyword === "COPY" || i.keyword === "ADD"
      ? copyCall(ctx, stage, i)
      : settingsCall(ctx, stage, i, instr);
    if ("call" in t) stage.lines.push(t.call);
    else if ("todo" in t) ctx.todo(stage, i.line, i.original, t.todo);
  }
  for (const c of comments.get(Infinity) ?? []) (stage?.lines ?? header).push(`// ${c}`.trimEnd());
  return { code: emit(ctx, header, options), todos: ctx.todos };
}

function startStage(
  ctx: ConvertContext,
  from: From,
  i: InstructionText,
  index: number,
  last: boolean,
  comments: string[],
): StageContext {
  const name = from.getBuildStage() ?? undefined;
  const stage: StageContext = {
    name,
    ident: ctx.stageIdent(name, index, last),
    base: "scratch()",
    lines: [],
    args: new Map(),
    env: new Map(),
    shell: ["/bin/sh", "-c"],
  };
  stage.lines.push(...comments);
  const ref = from.getImage() ?? "";
  const parent = ctx.stageNamed(ref);
  const platform = fromPlatform(i.flags.find(([f]) => f === "platform")?.[1] ?? undefined);
  if (platform && "todo" in platform) ctx.todo(stage, i.line, i.original, platform.todo);
  if (platform && "comment" in platform) stage.lines.push(platform.comment);
  const literal = platform && "platform" in platform ? platform.platform : undefined;
  if (parent) {
    stage.base = parent.ident;
    stage.shell = parent.shell;
    for (const [k, v] of parent.args) stage.args.set(k, v);
    if (literal) ctx.todo(stage, i.line, i.original, "FROM --platform on another stage");
  } else if (ref.toLowerCase() === "scratch") {
    ctx.imports.add("scratch");
    if (literal) stage.base = `scratch().platform(${js(literal)})`;
  } else {
    ctx.imports.add("image");
    const expr = expandWord(ref, ctx.scope(undefined));
    if (expr === undefined) ctx.todo(stage, i.line, i.original, "a variable in the image reference");
    stage.base = `image(${expr ?? js(ref)}${literal ? `, { platform: ${js(literal)} }` : ""})`;
  }
  ctx.stages.push(stage);
  return stage;
}

/**
 * FROM's `--platform`: a literal one is the image's platform; `$BUILDPLATFORM`/`$TARGETPLATFORM` are the
 * engine's own in a build for one platform, which is what build.ts builds without the option.
 */
function fromPlatform(
  value: string | undefined,
): { platform: string } | { comment: string } | { todo: string } | undefined {
  if (value === undefined) return undefined;
  if (/^\$\{?(BUILD|TARGET)PLATFORM\}?$/.test(value)) {
    return { comment: `// FROM --platform=${value}: the engine's platform, as build.ts builds by default` };
  }
  if (/^[a-z0-9_]+\/[a-z0-9_]+(\/[a-z0-9_]+)?$/.test(value)) return { platform: value };
  return { todo: `FROM --platform=${value}` };
}

function globalArgs(ctx: ConvertContext, instr: Instruction, i: InstructionText, header: string[]): void {
  const props = (instr as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] })
    .getProperties();
  for (const p of props) {
    ctx.globalArgs.add(p.getName());
    ctx.param(p.getName(), p.getValue() ?? undefined);
  }
  if (props.length === 0) header.push(`// ${i.original}`);
}

/** An instruction's parts, from the parser and the text. */
function textOf(instr: Instruction, lines: string[]): InstructionText {
  const range = instr.getRange();
  const original = lines.slice(range.start.line, range.end.line + 1).join("\n").trim();
  const flags = "getFlags" in instr
    ? (instr as unknown as { getFlags(): { getName(): string; getValue(): string | null }[] }).getFlags()
      .map((f) => [f.getName(), f.getValue()] as const)
    : [];
  return {
    keyword: instr.getKeyword().toUpperCase(),
    line: range.start.line + 1,
    original,
    flags,
    args: instr.getArgumentsContent() ?? "",
    rawArgs: instr.getRawArgumentsContent() ?? "",
  };
}

/** Comments by the 1-based line of the instruction they precede (Infinity: after the last). */
function commentsByLine(comments: Comment[], instructions: Instruction[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const c of comments) {
    const line = c.getRange().start.line;
    const next = instructions.find((i) => i.getRange().start.line > line);
    const at = next ? next.getRange().start.line + 1 : Infinity;
    out.set(at, [...(out.get(at) ?? []), c.getContent() ?? ""]);
  }
  return out;
}

function emit(ctx: ConvertContext, header: string[], options: ConvertOptions): string {
  const out: string[] = [];
  const usesParams = ctx.params.size > 0;
  if (usesParams) ctx.imports.add("params");
  if (ctx.usesContext) ctx.imports.add("local");
  if (usesParams) out.push(`import { z } from "zod";`);
  out.push(
    `import { ${[...ctx.imports].sort().join(", ")} } from ${js(options.importFrom ?? "drydock")};`,
    "",
  );
  if (header.length > 0) out.push(...header, "");
  if (usesParams) {
    out.push("// Build arguments: --NAME value or --build-arg NAME=value.", "const p = params({");
    for (const [name, value] of ctx.params) {
      out.push(
        `  ${key(name)}: z.string()${value === undefined ? ".optional()" : `.default(${js(value)})`},`,
      );
    }
    out.push("});", "");
  }
  if (ctx.usesContext) {
    out.push(
      `// The build context; its .dockerignore applies.`,
      `const ctx = local(${js(options.context ?? ".")});`,
      "",
    );
  }
  for (const s of ctx.stages) {
    const leading: string[] = [];
    while (s.lines.length > 0 && s.lines[0].startsWith("//") && !s.lines[0].startsWith("// TODO")) {
      leading.push(s.lines.shift()!);
    }
    out.push(...leading);
    const chain = s.lines.map((l) => `  ${l}`);
    const lastCall = chain.findLastIndex((l) => !l.trimStart().startsWith("//"));
    if (lastCall === -1) out.push(`const ${s.ident} = ${s.base};`, ...chain);
    else {
      chain[lastCall] += ";";
      out.push(`const ${s.ident} = ${s.base}`, ...chain);
    }
    out.push("");
  }
  const last = ctx.stages.at(-1);
  const named = ctx.stages.filter((s) => s !== last && s.name);
  const entries = last ? [[last.name ?? "final", last.ident], ...named.map((s) => [s.name!, s.ident])] : [];
  out.push(
    `export const targets = { ${
      entries.map(([k, v]) => (key(k) === v ? v : `${key(k)}: ${v}`)).join(", ")
    } };`,
    `export const defaultTarget = ${js(entries[0]?.[0] ?? "")};`,
    "if (import.meta.main) await build(targets, { default: defaultTarget });",
    "",
  );
  return out.join("\n");
}
