/**
 * `$VAR` expansion in `env()` values, as a Dockerfile `ENV` does it: `$NAME`,
 * `${NAME}`, `${NAME:-word}`, `${NAME-word}`, `${NAME:+word}`, `${NAME+word}`,
 * and `\$` for a literal `$`. Variables the DSL knows are replaced at once;
 * those only the base image's config can answer stay as references that the
 * lowering fills in once the engine has resolved that config.
 *
 * @module
 */

/** A reference to a variable of the base image's env, with its modifier. */
export interface BaseEnvRef {
  readonly name: string;
  /** `:-`/`-`: the word when unset (or empty, with `:`); `:+`/`+`: the word when set (and not empty). */
  readonly modifier?: ":-" | "-" | ":+" | "+";
  readonly word?: EnvTemplate;
}

/** An env value: literal text and references to the base image's env. */
export type EnvTemplate = readonly (string | BaseEnvRef)[];

/**
 * How a variable is looked up: its value, `undefined` when unset, `"base"` when only the base
 * image knows, or a template when its value was set from the base image's env.
 */
export type EnvLookup = (name: string) => string | undefined | "base" | EnvTemplate;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * Parses and expands `text`: known variables are substituted, base-image
 * ones kept as references. A result of one string is fully known.
 *
 * @example
 * ```ts
 * import { expandEnv } from "./env_template.ts";
 * expandEnv("/app/bin:$PATH", (n) => n === "PATH" ? "/bin" : undefined); // ["/app/bin:/bin"]
 * expandEnv("/app/bin:$PATH", () => "base"); // ["/app/bin:", { name: "PATH" }]
 * ```
 */
export function expandEnv(text: string, lookup: EnvLookup): EnvTemplate {
  const [parts] = parse(text, 0, lookup, "");
  return parts;
}

/**
 * Fills in the base image's variables.
 *
 * @example
 * ```ts
 * import { resolveTemplate } from "./env_template.ts";
 * resolveTemplate(["/app/bin:", { name: "PATH" }], (n) => n === "PATH" ? "/bin" : undefined); // "/app/bin:/bin"
 * ```
 */
export function resolveTemplate(t: EnvTemplate, base: (name: string) => string | undefined): string {
  return t.map((p) => typeof p === "string" ? p : applyModifier(p, base(p.name), base)).join("");
}

/**
 * The template as the user wrote it, for display where the base is unknown.
 *
 * @example
 * ```ts
 * import { templateText } from "./env_template.ts";
 * templateText(["/app/bin:", { name: "PATH" }]); // "/app/bin:${PATH}"
 * ```
 */
export function templateText(t: EnvTemplate): string {
  return t.map((p) =>
    typeof p === "string" ? p : `\${${p.name}${p.modifier ? p.modifier + templateText(p.word ?? []) : ""}}`
  ).join("");
}

function applyModifier(
  ref: BaseEnvRef,
  value: string | undefined,
  base: (name: string) => string | undefined,
): string {
  const word = () => resolveTemplate(ref.word ?? [], base);
  switch (ref.modifier) {
    case ":-":
      return value ? value : word();
    case "-":
      return value !== undefined ? value : word();
    case ":+":
      return value ? word() : "";
    case "+":
      return value !== undefined ? word() : "";
    default:
      return value ?? "";
  }
}

/** Parses from `i` until `stop` (a `}` ending a modifier's word, or the end); returns parts and the end. */
function parse(text: string, i: number, lookup: EnvLookup, stop: string): [EnvTemplate, number] {
  const parts: (string | BaseEnvRef)[] = [];
  let literal = "";
  const push = (p: string | BaseEnvRef) => {
    if (typeof p === "string") literal += p;
    else {
      if (literal) parts.push(literal);
      literal = "";
      parts.push(p);
    }
  };
  while (i < text.length && text[i] !== stop) {
    const c = text[i];
    if (c === "\\" && text[i + 1] === "$") {
      push("$");
      i += 2;
    } else if (c === "$" && text[i + 1] === "{") {
      const name = NAME.exec(text.slice(i + 2))?.[0];
      if (!name) throw new SyntaxError(`bad substitution at "${text.slice(i)}"`);
      i += 2 + name.length;
      const modifier = /^(:-|:\+|-|\+)/.exec(text.slice(i))?.[0] as BaseEnvRef["modifier"];
      let word: EnvTemplate = [];
      if (modifier) [word, i] = parse(text, i + modifier.length, lookup, "}");
      if (text[i] !== "}") throw new SyntaxError(`missing "}" in "${text}"`);
      i++;
      refValue({ name, ...(modifier ? { modifier, word } : {}) }, lookup).forEach(push);
    } else if (c === "$" && NAME.test(text.slice(i + 1))) {
      const name = NAME.exec(text.slice(i + 1))![0];
      i += 1 + name.length;
      refValue({ name }, lookup).forEach(push);
    } else {
      push(c);
      i++;
    }
  }
  if (literal || parts.length === 0) parts.push(literal);
  return [parts, i];
}

/** A reference's value when the DSL knows it, else the reference itself. */
function refValue(ref: BaseEnvRef, lookup: EnvLookup): EnvTemplate {
  const v = lookup(ref.name);
  if (v === "base") return [ref];
  // A value made from the base image's env counts as set and not empty.
  if (Array.isArray(v)) return ref.modifier?.endsWith("+") ? ref.word ?? [] : v;
  if (!ref.modifier) return [(v as string | undefined) ?? ""];
  // The word may itself wait for the base image: it is kept as a template.
  const set = ref.modifier.startsWith(":") ? !!v : v !== undefined;
  if (ref.modifier.endsWith("-")) return set ? [v as string] : ref.word ?? [];
  return set ? ref.word ?? [] : [];
}
