/**
 * Small text helpers of the converter: JavaScript literals, JSON-form
 * arguments, `--mount` option lists and `$VAR` references in Dockerfile words.
 *
 * @module
 */

/**
 * A JavaScript string literal.
 *
 * @example
 * ```ts
 * import { js } from "./words.ts";
 * js('echo "hi"'); // '"echo \\"hi\\""'
 * ```
 */
export function js(s: string): string {
  return JSON.stringify(s);
}

/**
 * A property key: bare when it is an identifier, else quoted.
 *
 * @example
 * ```ts
 * import { key } from "./words.ts";
 * key("name"); // "name"
 * key("with space"); // '"with space"'
 * ```
 */
export function key(s: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s) ? s : js(s);
}

/**
 * The strings of a JSON-form argument list (`["a", "b"]`), or undefined when
 * the text is not one (then the instruction is in shell form, as Docker reads it).
 *
 * @example
 * ```ts
 * import { jsonArray } from "./words.ts";
 * jsonArray('["echo", "a b"]'); // ["echo", "a b"]
 * jsonArray("echo a b"); // undefined
 * ```
 */
export function jsonArray(text: string): string[] | undefined {
  if (!text.trimStart().startsWith("[")) return undefined;
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) && v.every((x) => typeof x === "string") ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A `--mount` value as key/value pairs (a bare key is `"true"`); values may be quoted.
 *
 * @example
 * ```ts
 * import { mountFields } from "./words.ts";
 * mountFields("type=cache,target=/c,ro"); // { type: "cache", target: "/c", ro: "true" }
 * ```
 */
export function mountFields(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const part of splitCsv(text)) {
    const eq = part.indexOf("=");
    const k = (eq === -1 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (k) fields[k] = eq === -1 ? "true" : part.slice(eq + 1).trim();
  }
  return fields;
}

function splitCsv(text: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quote = "";
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = "";
      else cur += c;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** What a `$NAME` in a Dockerfile word stands for in build.ts: a JS expression, or undefined if unknown. */
export type VarScope = (name: string) => string | undefined;

/**
 * A Dockerfile word with `$NAME`/`${NAME}` references as a JavaScript
 * expression: a string literal, or a template literal using the scope's
 * expressions. Undefined when a reference is unknown or has a modifier.
 *
 * @example
 * ```ts
 * import { expandWord } from "./words.ts";
 * expandWord("busybox:${TAG}", (n) => n === "TAG" ? "p.TAG" : undefined); // "`busybox:${p.TAG}`"
 * expandWord("/app", () => undefined); // '"/app"'
 * ```
 */
export function expandWord(text: string, scope: VarScope): string | undefined {
  const parts: string[] = [];
  let literal = "";
  let vars = 0;
  for (let i = 0; i < text.length;) {
    const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/.exec(text.slice(i));
    if (text[i] === "\\" && text[i + 1] === "$") {
      literal += "$";
      i += 2;
    } else if (m) {
      const expr = scope(m[1] ?? m[2]);
      if (expr === undefined) return undefined;
      parts.push(templateText(literal), `\${${expr}}`);
      literal = "";
      vars++;
      i += m[0].length;
    } else if (text[i] === "$" && text[i + 1] === "{") {
      return undefined; // a modifier (${A:-b}) the converter does not evaluate
    } else {
      literal += text[i++];
    }
  }
  if (vars === 0) return js(literal);
  return "`" + parts.join("") + templateText(literal) + "`";
}

function templateText(s: string): string {
  return s.replace(/[\\`]/g, (c) => "\\" + c).replace(/\$\{/g, "\\${");
}

/**
 * A Dockerfile stage name as a camelCase identifier.
 *
 * @example
 * ```ts
 * import { identifier } from "./words.ts";
 * identifier("build-env"); // "buildEnv"
 * identifier("2nd"); // "stage2nd"
 * ```
 */
export function identifier(name: string): string {
  const camel = name.toLowerCase().replace(/[^a-z0-9]+([a-z0-9])/g, (_, c: string) => c.toUpperCase())
    .replace(/[^A-Za-z0-9]/g, "");
  return /^[A-Za-z]/.test(camel) ? camel : `stage${camel}`;
}
