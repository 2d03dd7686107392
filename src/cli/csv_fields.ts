/**
 * `key=value,key=value` flag values (`-o`, `--cache-to`, ...), split the way
 * buildx splits them: as one CSV record, so a value with a comma is quoted
 * (`"annotation.a=x,y"`).
 *
 * @module
 */
import { UsageError } from "./usage_error.ts";

/**
 * Splits a flag value into `[key, value]` pairs, keys lower-cased. A field
 * without `=` is `[field, undefined]`, for shorthands like `-o ./out`.
 *
 * @example
 * ```ts
 * import { csvFields } from "./csv_fields.ts";
 * csvFields("--output", 'type=local,dest=./out'); // [["type", "local"], ["dest", "./out"]]
 * csvFields("--output", '"annotation.x=a,b",type=image'); // [["annotation.x", "a,b"], ["type", "image"]]
 * ```
 */
export function csvFields(flag: string, text: string): [string, string | undefined][] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  let atStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') [field, i] = [field + '"', i + 1];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && atStart) {
      quoted = true;
      atStart = false;
    } else if (c === ",") {
      fields.push(field);
      [field, atStart] = ["", true];
    } else {
      field += c;
      atStart = false;
    }
  }
  if (quoted) throw new UsageError(`${flag} ${JSON.stringify(text)}: a quote is not closed`);
  fields.push(field);
  return fields.map((f) => {
    const eq = f.indexOf("=");
    if (eq === -1) return [f.trim(), undefined];
    return [f.slice(0, eq).trim().toLowerCase(), f.slice(eq + 1)];
  });
}
