/**
 * RUN to `.run(...)`: the command (shell form, exec form, heredoc) and its
 * `--mount`, `--network` and `--security` flags.
 *
 * @module
 */
import { posix } from "node:path";
import type { ConvertContext, StageContext } from "./context.ts";
import { expandWord, js, jsonArray, key, mountFields } from "./words.ts";

/** A parsed instruction, independent of the parser's classes. */
export interface InstructionText {
  readonly keyword: string;
  /** 1-based line. */
  readonly line: number;
  /** The instruction as written. */
  readonly original: string;
  /** Flags in order: name and value (`null` for a bare flag). */
  readonly flags: readonly (readonly [string, string | null])[];
  /** The arguments after the flags, continuation lines joined. */
  readonly args: string;
  /** The arguments as written (heredocs keep their lines). */
  readonly rawArgs: string;
}

/** Why a RUN cannot be translated, or the chain call. */
type Translation = { call: string } | { todo: string };

/**
 * The `.run(...)` call for a RUN instruction, or a TODO.
 *
 * @example
 * ```ts
 * // runCall(ctx, stage, { keyword: "RUN", args: "make", flags: [], ... }); // { call: '.run("make")' }
 * ```
 */
export function runCall(ctx: ConvertContext, stage: StageContext, i: InstructionText): Translation {
  const command = commandOf(ctx, i);
  if ("todo" in command) return command;
  const options: string[] = [];
  const mounts: string[] = command.mount ? [command.mount] : [];
  const secretsEnv: string[] = [];
  const ssh: string[] = [];
  for (const [name, value] of i.flags) {
    if (name === "network") {
      if (value === "none" || value === "host") options.push(`network: ${js(value)}`);
      else if (value !== "default" && value !== "sandbox") return { todo: `--network=${value}` };
    } else if (name === "security") {
      if (value === "insecure") options.push(`security: "insecure"`);
      else if (value !== "sandbox") return { todo: `--security=${value}` };
    } else if (name === "mount") {
      const m = mountOf(ctx, stage, value ?? "");
      if ("todo" in m) return m;
      if (m.kind === "env") secretsEnv.push(m.text);
      else if (m.kind === "ssh") ssh.push(m.text);
      else mounts.push(m.text);
    } else {
      return { todo: `the flag --${name}` };
    }
  }
  if (mounts.length > 0) options.unshift(`mounts: { ${mounts.join(", ")} }`);
  if (secretsEnv.length > 0) options.push(`secrets: { ${secretsEnv.join(", ")} }`);
  if (ssh.length > 0) options.push(`ssh: ${ssh.length === 1 ? ssh[0] : `[${ssh.join(", ")}]`}`);
  return { call: `.run(${command.text}${options.length > 0 ? `, { ${options.join(", ")} }` : ""})` };
}

function commandOf(
  ctx: ConvertContext,
  i: InstructionText,
): { text: string; mount?: string } | { todo: string } {
  const exec = jsonArray(i.args);
  if (exec) return { text: `[${exec.map(js).join(", ")}]` };
  const heredoc = /^<<(-?)(["']?)([A-Za-z0-9_]+)\2[ \t]*\n/.exec(i.rawArgs.trimStart());
  if (heredoc) {
    const body = i.rawArgs.trimStart().slice(heredoc[0].length);
    const end = body.lastIndexOf(`\n${heredoc[3]}`);
    const content = (end === -1 ? "" : body.slice(0, end + 1)).replace(heredoc[1] ? /^\t+/gm : /$^/, "");
    if (end === -1 || body.slice(end + 1 + heredoc[3].length).trim() !== "") {
      return { todo: "a heredoc with more than one document or text after it" };
    }
    if (content.startsWith("#!")) {
      // As the frontend: the script is a file (0755) in an empty filesystem mounted read-only at /dev/pipes/,
      // run by path through the shell.
      ctx.imports.add("scratch");
      const script = `scratch().mkfile(${js(`/${heredoc[3]}`)}, ${js(content)}, { mode: 0o755 })`;
      return {
        text: js(`/dev/pipes/${heredoc[3]}`),
        mount: `"/dev/pipes/": { from: ${script}, path: "/", readonly: true }`,
      };
    }
    return { text: js(content) };
  }
  if (i.args.trimStart().startsWith("<<")) return { todo: "a heredoc with a command" };
  return { text: js(i.args) };
}

type Mount = { kind: "mount" | "env" | "ssh"; text: string };

function mountOf(ctx: ConvertContext, stage: StageContext, spec: string): Mount | { todo: string } {
  const scope = ctx.scope(stage);
  // Values as JS expressions: string literals, or template literals using build arguments.
  const e: Record<string, string> = {};
  for (const [k, v] of Object.entries(mountFields(spec))) {
    const expr = expandWord(v, scope);
    if (expr === undefined) return { todo: `a variable in --mount ${k}=${v}` };
    e[k] = expr;
  }
  // Plain values, where the option needs one.
  const f: Record<string, string | undefined> = Object.fromEntries(
    Object.entries(e).map(([k, x]) => [k, x.startsWith('"') ? JSON.parse(x) as string : undefined]),
  );
  const type = f.type ?? "bind";
  const targetExpr = e.target ?? e.dst ?? e.destination;
  const target = f.target ?? f.dst ?? f.destination;
  const targetKey = targetExpr === undefined
    ? undefined
    : targetExpr.startsWith('"')
    ? targetExpr
    : `[${targetExpr}]`;
  const readonly = f.ro === "true" || f.readonly === "true";
  const writable = f.rw === "true" || f.readwrite === "true";
  if (type === "ssh") {
    ctx.imports.add("ssh");
    // No id is the frontend's empty id (the engine's "default"); ssh() lowers to the same.
    const agent = e.id ? `ssh(${e.id})` : "ssh()";
    const opts = [
      `agent: ${agent}`,
      ...(targetExpr ? [`target: ${targetExpr}`] : []),
      ...(f.required === "true" ? [] : ["optional: true"]),
      ...ids(f),
    ];
    return { kind: "ssh", text: `{ ${opts.join(", ")} }` };
  }
  if (type === "secret") {
    ctx.imports.add("secret");
    const id = e.id ?? (target ? js(posix.basename(target)) : undefined);
    if (!id) return { todo: "a secret mount without id or a plain target" };
    const optional = f.required === "true" ? [] : ["optional: true"];
    if (e.env) {
      if (targetExpr) return { todo: "a secret mount with both env and target" };
      const name = f.env === undefined ? `[${e.env}]` : key(f.env);
      return {
        kind: "env",
        text: `${name}: { secret: secret(${id})${optional.map((o) => ", " + o).join("")} }`,
      };
    }
    const opts = [`secret: secret(${id})`, ...optional, ...ids(f)];
    const mountKey = targetKey ??
      (id.startsWith('"') ? js(`/run/secrets/${JSON.parse(id)}`) : `[\`/run/secrets/\${${id}}\`]`);
    return { kind: "mount", text: `${mountKey}: { ${opts.join(", ")} }` };
  }
  if (!targetKey) return { todo: "a mount without target" };
  const from = f.from === undefined ? undefined : fromExpr(ctx, f.from);
  if (e.from !== undefined && f.from === undefined) return { todo: "a build argument in --mount from" };
  const source = f.source ?? f.src;
  if ((e.source ?? e.src) !== undefined && source === undefined) {
    return { todo: "a build argument in --mount source" };
  }
  if (type === "tmpfs") {
    ctx.imports.add("tmpfs");
    return { kind: "mount", text: `${targetKey}: tmpfs(${f.size ? `{ size: ${sizeOf(f.size)} }` : ""})` };
  }
  if (type === "cache") {
    ctx.imports.add("cache");
    // The frontend's cache ids are "<namespace>/<id>", the namespace empty by default; the id defaults to the target.
    const idExpr = e.id ?? (target !== undefined ? js(posix.normalize(target)) : targetExpr!);
    const id = idExpr.startsWith('"') ? js(`/${JSON.parse(idExpr)}`) : "`/" + idExpr.slice(1);
    const seeded = source && posix.join("/", source) !== "/";
    if (!seeded && (e.uid ?? e.gid ?? e.mode) !== undefined && (f.uid ?? f.gid ?? f.mode) === undefined) {
      return { todo: "a build argument in cache mount uid/gid/mode" };
    }
    // As the frontend: uid/gid/mode (without a source) seed the cache from a /cache directory made so.
    const owned = !seeded && (f.uid ?? f.gid ?? f.mode) !== undefined;
    if (owned && !from) ctx.imports.add("scratch");
    const cacheDir =
      `.mkdir("/cache", { mode: 0o${parseInt(f.mode ?? "755", 8).toString(8)}, parents: false, ` +
      `chown: { user: ${Number(f.uid ?? 0)}, group: ${Number(f.gid ?? 0)} } })`;
    const opts = [
      ...(f.sharing && f.sharing !== "shared" ? [`sharing: ${js(f.sharing)}`] : []),
      ...(owned
        ? [`from: ${from ?? "scratch()"}${cacheDir}`, `path: "/cache"`]
        : from
        ? [`from: ${from}`]
        : []),
      ...(seeded ? [`path: ${js(posix.join("/", source!))}`] : []),
      ...(readonly ? ["readonly: true"] : []),
    ];
    return {
      kind: "mount",
      text: `${targetKey}: cache(${id}${opts.length ? `, { ${opts.join(", ")} }` : ""})`,
    };
  }
  if (type !== "bind") return { todo: `mount type ${type}` };
  const opts = [
    `from: ${from ?? ctx.context()}`,
    ...(source && posix.join("/", source) !== "/"
      ? [`path: ${js(from ? posix.join("/", source) : source)}`]
      : []),
    // Dockerfile bind mounts are read-only unless rw, and then what the step writes is discarded.
    writable ? "discard: true" : "readonly: true",
  ];
  return { kind: "mount", text: `${targetKey}: { ${opts.join(", ")} }` };
}

function ids(f: Record<string, string | undefined>): string[] {
  return [
    ...(f.mode ? [`mode: 0o${parseInt(f.mode, 8).toString(8)}`] : []),
    ...(f.uid ? [`uid: ${Number(f.uid)}`] : []),
    ...(f.gid ? [`gid: ${Number(f.gid)}`] : []),
  ];
}

function sizeOf(s: string): string {
  return /^\d+$/.test(s) ? s : js(s.toLowerCase().replace(/i?b$/, ""));
}

/**
 * A `--from` value as an expression: a stage's const, or `image("ref")`.
 *
 * @example
 * ```ts
 * // fromExpr(ctx, "build"); // "buildStage"
 * ```
 */
export function fromExpr(ctx: ConvertContext, ref: string): string {
  const stage = ctx.stageNamed(ref);
  if (stage) return stage.ident;
  ctx.imports.add("image");
  return `image(${js(ref)})`;
}
