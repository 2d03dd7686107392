/**
 * The public API's documentation as `deno doc --json` of the entry points sees it: every `@example` reachable
 * from them (module docs, symbols, class and interface members), and the public functions that lack one.
 * Pure: the JSON comes in, lists come out; tests/docs/ runs Deno's tools.
 *
 * @module
 */

/** The package's entry points, as deno.json exports them. */
export const ENTRY_POINTS = ["mod.ts", "progress.ts", "llb.ts", "spec.ts"] as const;

/** One fenced code block of an `@example`. */
export interface DocExample {
  /** Where the example is documented: `src/dsl/state.ts:120 State.run`. */
  readonly origin: string;
  /** The fence's language (`ts`, `js` ...). */
  readonly lang: string;
  /** The fence's attributes after the language: `no-eval` means type-checked, never run. */
  readonly attributes: readonly string[];
  /** The code between the fences. */
  readonly code: string;
}

interface JsDoc {
  readonly tags?: readonly { readonly kind: string; readonly doc?: string }[];
}
interface Location {
  readonly filename: string;
  readonly line: number;
}

/** `deno doc --json` output: `{ version, nodes: { [module URL]: { module_doc?, symbols } } }`. */
export interface DocJson {
  readonly nodes: Readonly<Record<string, { readonly module_doc?: JsDoc; readonly symbols: unknown }>>;
}

function relativeTo(root: string, filename: string): string {
  const prefix = new URL(root.endsWith("/") ? root : root + "/", "file:///").href;
  return filename.startsWith(prefix) ? filename.slice(prefix.length) : filename;
}

/** The fenced code blocks of one `@example` tag's text. */
function fences(doc: string, origin: string): DocExample[] {
  const blocks: DocExample[] = [];
  for (const m of doc.matchAll(/^```([^\n]*)\n([\s\S]*?)^```/gm)) {
    const [lang = "", ...attributes] = m[1].trim().split(/\s+/);
    blocks.push({ origin, lang, attributes, code: m[2] });
  }
  return blocks;
}

/**
 * Every `@example` code block reachable from the entry points, each once (a symbol two entry points export is
 * documented once), in document order.
 *
 * @example
 * ```ts
 * import { collectExamples } from "./doc_examples.ts";
 * const json = { nodes: { "file:///r/mod.ts": { symbols: [{ name: "f", declarations: [{
 *   location: { filename: "file:///r/src/f.ts", line: 3 },
 *   jsDoc: { tags: [{ kind: "example", doc: "```ts\nf();\n```" }] },
 * }] }] } } };
 * collectExamples(json, "/r")[0].origin; // "src/f.ts:3 f"
 * ```
 */
export function collectExamples(json: DocJson, root: string): DocExample[] {
  const found = new Map<string, DocExample>();
  const add = (doc: JsDoc | undefined, origin: string) => {
    for (const tag of doc?.tags ?? []) {
      if (tag.kind !== "example" || !tag.doc) continue;
      for (const block of fences(tag.doc, origin)) found.set(`${origin}\n${block.code}`, block);
    }
  };
  const walk = (node: unknown, location: Location | undefined, names: readonly string[]): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, location, names));
    if (node === null || typeof node !== "object") return;
    const o = node as { location?: Location; name?: unknown; jsDoc?: JsDoc };
    const here = o.location ?? location;
    const named = typeof o.name === "string" ? [...names, o.name] : names;
    if (o.jsDoc && here) add(o.jsDoc, `${relativeTo(root, here.filename)}:${here.line} ${named.join(".")}`);
    for (const [key, value] of Object.entries(o)) if (key !== "jsDoc") walk(value, here, named);
  };
  for (const [url, module] of Object.entries(json.nodes)) {
    add(module.module_doc, `${relativeTo(root, url)} (module)`);
    walk(module.symbols, undefined, []);
  }
  return [...found.values()];
}

/**
 * Public functions, public class methods (constructors and accessors aside) and interfaces with methods (what a
 * program is handed to call: `BuildContext`, `Container` ...) whose JSDoc has no `@example`, as
 * `file:line Name.method`.
 *
 * @example
 * ```ts
 * import { functionsWithoutExample } from "./doc_examples.ts";
 * const json = { nodes: { "file:///r/mod.ts": { symbols: [{ name: "f", declarations: [{
 *   kind: "function", location: { filename: "file:///r/src/f.ts", line: 3 }, jsDoc: { doc: "F." },
 * }] }] } } };
 * functionsWithoutExample(json, "/r"); // ["src/f.ts:3 f"]
 * ```
 */
export function functionsWithoutExample(json: DocJson, root: string): string[] {
  type Member = {
    name: string;
    kind?: string;
    location: Location;
    jsDoc?: JsDoc;
    accessibility?: string;
    functionDef?: { hasBody?: boolean };
  };
  type Declaration = { kind: string; location: Location; jsDoc?: JsDoc; def?: { methods?: Member[] } };
  const hasExample = (doc: JsDoc | undefined) => (doc?.tags ?? []).some((t) => t.kind === "example");
  const where = (l: Location) => `${relativeTo(root, l.filename)}:${l.line}`;
  const missing = new Set<string>();
  for (const module of Object.values(json.nodes)) {
    for (const symbol of module.symbols as { name: string; declarations: Declaration[] }[]) {
      for (const d of symbol.declarations) {
        const methods = d.def?.methods ?? [];
        const callable = d.kind === "function" || (d.kind === "interface" && methods.length > 0);
        if (callable && !hasExample(d.jsDoc)) missing.add(`${where(d.location)} ${symbol.name}`);
        if (d.kind !== "class") continue;
        for (const m of methods) {
          if (m.kind === "getter" || m.kind === "setter" || hasExample(m.jsDoc)) continue;
          // An overloaded method's implementation signature is not part of its type.
          const overloaded = methods.filter((o) => o.name === m.name).length > 1;
          if (overloaded && m.functionDef?.hasBody) continue;
          if (m.accessibility === "private" || m.accessibility === "protected") continue;
          missing.add(`${where(m.location)} ${symbol.name}.${m.name}`);
        }
      }
    }
  }
  return [...missing];
}

/**
 * Module specifiers an example imports that are not the package's own name (`@drydock/core`,
 * `@drydock/core/progress` ...) or a runtime built-in (`node:`, `npm:`, `jsr:`).
 *
 * @example
 * ```ts
 * import { foreignImports } from "./doc_examples.ts";
 * foreignImports('import { image } from "../../mod.ts";\nimport { z } from "@drydock/core";'); // ["../../mod.ts"]
 * ```
 */
export function foreignImports(code: string): string[] {
  const specifiers = [...code.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gm)]
    .concat([...code.matchAll(/^\s*import\s*["']([^"']+)["']/gm)], [
      ...code.matchAll(/\bimport\(\s*["']([^"']+)["']/g),
    ])
    .map((m) => m[1]);
  return specifiers.filter((s) => !/^@drydock\/core(\/|$)/.test(s) && !/^(node|npm|jsr):/.test(s));
}
