/**
 * The one tokenizer of comma-separated flag values (`--output`, `--cache-to`, `--secret`, `--ssh` ...):
 * one CSV record, as buildx reads them with Go's encoding/csv.
 *
 * @module
 */

/**
 * Splits one CSV record into its fields: commas split fields, a field that starts with `"` may hold commas,
 * and `""` inside it is a quote. Calls `fail` with the reason when the record is malformed.
 *
 * @example
 * ```ts
 * import { splitCsv } from "./csv.ts";
 * const fail = (why: string): never => { throw new Error(why); };
 * splitCsv('type=image,"name=a:1,a:2",push', fail); // ["type=image", "name=a:1,a:2", "push"]
 * splitCsv('"say ""hi"""', fail); // ['say "hi"']
 * ```
 */
export function splitCsv(line: string, fail: (why: string) => never): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = "";
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) fail("unterminated quote");
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      if (i < line.length && line[i] !== ",") fail("unexpected text after a closing quote");
    } else {
      const end = line.indexOf(",", i);
      field = line.slice(i, end < 0 ? line.length : end);
      i = end < 0 ? line.length : end;
    }
    out.push(field);
    if (i >= line.length) return out;
    i++; // the comma
  }
}
