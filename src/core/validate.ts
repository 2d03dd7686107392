/**
 * Runs zod schemas on DSL arguments and turns failures into {@link OptionError}s.
 *
 * @module
 */
import type { z } from "zod";
import { OptionError, type OptionProblem } from "./errors.ts";
import type { SourceLocation } from "./location.ts";

/**
 * Parses `value` with `schema`; on failure throws an OptionError naming `call`,
 * each failing option (prefixed by `option`) and the caller's location.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { validate } from "./validate.ts";
 * const ref = validate("image", "ref", z.string().min(1), "busybox", undefined);
 * ```
 */
export function validate<S extends z.ZodType>(
  call: string,
  option: string,
  schema: S,
  value: unknown,
  location: SourceLocation | undefined,
): z.output<S> {
  const empty = isEmptyObject(value);
  if (empty && acceptsEmpty.has(schema)) return {} as z.output<S>;
  // Zod compiles a fast path for an object schema on its first parse: worth it for many parses, not for
  // the empty options most calls pass (a no-op build pays 5-10 ms CPU for it).
  const result = schema.safeParse(value, empty ? JITLESS : undefined);
  if (result.success) {
    // Most DSL calls pass no options (`{}`): once a schema took `{}` as it is, skip parsing it again.
    if (empty && isEmptyObject(result.data)) acceptsEmpty.add(schema);
    return result.data;
  }
  const problems: OptionProblem[] = result.error.issues.map((issue) => ({
    option: [option, ...issue.path.map(String)].filter((p) => p !== "").join("."),
    message: describeIssue(issue, value),
  }));
  throw new OptionError(call, problems, location);
}

const acceptsEmpty = new WeakSet<z.ZodType>();
const JITLESS = { jitless: true } as const;

function isEmptyObject(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Object.getPrototypeOf(value) !== Object.prototype) {
    return false;
  }
  for (const _ in value) return false;
  return Object.getOwnPropertySymbols(value).length === 0;
}

function describeIssue(issue: z.core.$ZodIssue, root: unknown): string {
  let message = issue.message;
  // zod's "Invalid input: expected string, received number" reads better lower-cased after the option.
  if (/^Invalid input: /.test(message)) message = message.replace(/^Invalid input: /, "");
  if (issue.code === "invalid_type") {
    const got = valueAt(root, issue.path);
    return `must be ${EXPECTED[issue.expected] ?? `a ${issue.expected}`}, got ${typeName(got)}`;
  }
  return message.charAt(0).toLowerCase() + message.slice(1);
}

const EXPECTED: Record<string, string> = { array: "an array", int: "an integer", object: "an object" };

/**
 * Throws an OptionError with `message` for `option` of `call`: for checks that
 * need the whole call (duplicates, cross-field rules) rather than a schema.
 *
 * @example
 * ```ts
 * import { fail } from "./validate.ts";
 * try { fail("run", "mounts./", "cannot replace the root filesystem", undefined) } catch (e) { console.log(e) }
 * ```
 */
export function fail(
  call: string,
  option: string,
  message: string,
  location: SourceLocation | undefined,
): never {
  throw new OptionError(call, [{ option, message }], location);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
  if (typeof v === "number" || typeof v === "boolean") return `${typeof v} ${String(v)}`;
  return typeof v;
}

/**
 * `true` when a zod schema checks exactly an options interface: its output is the interface and every value
 * of the interface is an input it takes, with the same field names, so neither can gain or change a field
 * without the other. Used as a
 * compile-time check: `const _matches: SchemaMatches<typeof rmSchema, RmOptions> = true;`.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import type { SchemaMatches } from "./validate.ts";
 * interface RmOptions { allowNotFound?: boolean }
 * const rmSchema = z.strictObject({ allowNotFound: z.boolean().optional() });
 * const _matches: SchemaMatches<typeof rmSchema, RmOptions> = true;
 * ```
 */
export type SchemaMatches<S extends z.ZodType, T> = [z.output<S>] extends [T]
  ? [T] extends [z.input<S>] ? SameKeys<T, z.output<S>> : false
  : false;

// An interface field the schema lacks would pass the checks above (extra fields are assignable).
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true
  : false;
