/**
 * Declared parameters: typed inputs of a build.ts, described with zod schemas.
 * Run as a program, each one is a flag (`--app-version 1.2`) and can also be
 * set with `--build-arg appVersion=1.2`; values are checked by the schema.
 * Dockerfile ARG names (`NODE_VERSION`, `http_proxy`) are parameter names too.
 *
 * @module
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { z } from "zod";
import { OptionError } from "../core/errors.ts";
import { callerLocation, type SourceLocation } from "../core/location.ts";
import { validate } from "../core/validate.ts";
import { isEntryPoint } from "./entry_point.ts";
import { FLAGS, parseArgsOptions } from "./flags.ts";
import { UsageError } from "./usage_error.ts";

/** How a parameter's command-line text becomes a value before the schema checks it. */
export type ParamKind = "string" | "number" | "boolean" | "list";

/** A declared parameter, as the CLI sees it. */
export interface ParamSpec {
  /** The key in the `params()` shape: `appVersion`. */
  readonly key: string;
  /** The flag, without dashes: `app-version`. */
  readonly flag: string;
  readonly kind: ParamKind;
  readonly description?: string;
  /** The default, as shown in help. */
  readonly defaultText?: string;
  /** Allowed values, for enums. */
  readonly choices?: readonly string[];
  /** No default and not optional: must be given. */
  readonly required: boolean;
}

/**
 * A parameter's schema, as {@link params} takes it: a zod schema from `z`, typed by the Standard Schema
 * interface (https://standardschema.dev) every zod schema has, so the package's types do not spell zod's.
 */
export interface ParamSchema<Output = unknown> {
  /** Standard Schema's properties; `types.output` is the type of the checked value. */
  readonly "~standard": { readonly types?: { readonly output: Output } | undefined };
}

/** The values {@link params} returns for a shape: each key's value as its schema outputs it. */
export type ParamValues<S extends Record<string, ParamSchema>> = {
  readonly [K in keyof S]: S[K] extends ParamSchema<infer O> ? O : never;
};

/** Options of {@link params}. */
export interface ParamsOptions {
  /**
   * Read values from the command line (and exit with status 2 on a bad one).
   * @default true when called from the program's entry point
   */
  cli?: boolean;
  /** Arguments to read in CLI mode. @default process.argv.slice(2) */
  argv?: readonly string[];
  /** Values to use instead of the command line (library use); the schemas still check them. */
  values?: Record<string, unknown>;
}

const KEY = /^[a-zA-Z][a-zA-Z0-9]*(?:-[a-zA-Z0-9]+)*$/;
// A Dockerfile ARG name, so `ARG NODE_VERSION` is declared, and set with --build-arg, under its own name.
const ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The build args BuildKit predefines: a Dockerfile reads them without declaring
 * them, and they stay out of the image's history. `--build-arg http_proxy=...`
 * passes them to every `dockerfile()` of the build, as buildx does.
 */
export const PROXY_ARGS: readonly string[] = [
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "FTP_PROXY",
  "NO_PROXY",
  "ALL_PROXY",
]
  .flatMap((n) => [n, n.toLowerCase()]);
const declared: ParamSpec[] = [];

/**
 * Declares typed parameters and returns their values. Run as a program, each
 * key becomes a flag (`appVersion` → `--app-version`), listed by `--help` with
 * its `.describe()` text and default; `--build-arg appVersion=1.2` works too.
 * A Dockerfile ARG name is a key as it is: `NODE_VERSION` is `--node-version`
 * and `--build-arg NODE_VERSION=20`.
 * A bad value stops the program with a one-line error and exit status 2.
 * Imported by another program, values come from `options.values` or the defaults.
 *
 * @example Parameters with defaults
 * ```ts
 * import { image, params, z } from "@drydock/core";
 * const p = params({
 *   appVersion: z.string().default("dev").describe("version baked into the image"),
 *   debug: z.boolean().default(false).describe("keep debug tools"),
 * });
 * const app = image("busybox").env("APP_VERSION", p.appVersion);
 * ```
 */
export function params<S extends Record<string, ParamSchema>>(
  shape: S,
  options: ParamsOptions = {},
): ParamValues<S> {
  const location = callerLocation();
  const schemas = validate("params", "shape", z.record(z.string(), z.instanceof(z.ZodType)), shape, location);
  const specs = Object.entries(schemas).map(([key, schema]) => describeParam(key, schema, location));
  const cli = options.cli ?? isEntryPoint(location);
  const schema = z.strictObject(schemas);
  if (!cli) {
    const values = { ...options.values };
    return Object.freeze(validate("params", "values", schema, values, location)) as ParamValues<S>;
  }
  register(specs, location);
  const argv = options.argv ?? process.argv.slice(2);
  try {
    const raw = paramValuesFromArgv(specs, argv);
    return Object.freeze(checkValues(schema, raw, specs)) as ParamValues<S>;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    // `--help` and `--list` must work even when a required parameter is missing.
    if (argv.some((a) => /^(--help|-h|--list|--version)$/.test(a))) {
      return Object.freeze(defaults(schema)) as ParamValues<S>;
    }
    process.stderr.write(`error: ${err.message} (see --help)\n`);
    process.exit(2);
  }
}

/**
 * The parameters declared so far by the program's build.ts, for the CLI.
 *
 * @example
 * ```ts
 * import { declaredParams } from "./params.ts";
 * declaredParams().map((p) => `--${p.flag}`);
 * ```
 */
export function declaredParams(): readonly ParamSpec[] {
  return declared;
}

function register(specs: readonly ParamSpec[], location: SourceLocation | undefined): void {
  const builtin = new Set(FLAGS.flatMap((f) => [f.name, `no-${f.name}`]));
  for (const spec of specs) {
    let clash: string | undefined;
    if (builtin.has(spec.flag)) clash = `clashes with the built-in flag --${spec.flag}`;
    else if (declared.some((d) => d.flag === spec.flag)) clash = `is declared twice (--${spec.flag})`;
    if (clash) throw new OptionError("params", [{ option: spec.key, message: clash }], location);
  }
  declared.push(...specs);
}

/**
 * How the CLI reads a parameter declared with `schema`.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { describeParam } from "./params.ts";
 * describeParam("appVersion", z.string().default("dev").describe("app version"));
 * // { key: "appVersion", flag: "app-version", kind: "string", description: "app version", defaultText: '"dev"', required: false }
 * ```
 */
export function describeParam(key: string, schema: z.ZodType, location?: SourceLocation): ParamSpec {
  if (!KEY.test(key) && !ARG_NAME.test(key)) {
    throw new OptionError("params", [{
      option: key,
      message: "must be a name like appVersion, app-version or NODE_VERSION (letters, digits, - or _)",
    }], location);
  }
  let inner: z.ZodType = schema;
  let description = schema.description;
  let defaultValue: unknown;
  let hasDefault = false;
  let optional = false;
  for (;;) {
    const def = inner._zod.def as { type: string; innerType?: z.ZodType; defaultValue?: unknown };
    if (def.type === "default" || def.type === "prefault") {
      if (!hasDefault) [defaultValue, hasDefault] = [def.defaultValue, true];
    } else if (def.type === "optional" || def.type === "nullable") optional = true;
    else break;
    inner = def.innerType!;
    description ??= inner.description;
  }
  const type = (inner._zod.def as { type: string }).type;
  const kind: ParamKind = type === "boolean"
    ? "boolean"
    : type === "number" || type === "int" || type === "bigint"
    ? "number"
    : type === "array"
    ? "list"
    : "string";
  const entries = (inner._zod.def as { entries?: Record<string, unknown> }).entries;
  return {
    key,
    flag: flagOf(key),
    kind,
    ...(description ? { description } : {}),
    ...(hasDefault ? { defaultText: JSON.stringify(defaultValue) } : {}),
    ...(type === "enum" && entries ? { choices: Object.values(entries).map(String) } : {}),
    required: !hasDefault && !optional,
  };
}

/**
 * The flag of a parameter: `appVersion` → `app-version`, `NODE_VERSION` → `node-version`,
 * `http_proxy` → `http-proxy`.
 *
 * @example
 * ```ts
 * import { flagOf } from "./params.ts";
 * flagOf("NODE_VERSION"); // "node-version"
 * ```
 */
export function flagOf(key: string): string {
  const cased = /[a-z]/.test(key) ? key : key.toLowerCase();
  return cased.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace(/_/g, "-").replace(/^-+/, "")
    .replace(/-+/g, "-");
}

/**
 * The values of `--build-arg` for the predefined proxy args that no parameter declares:
 * they go to every `dockerfile()` as they are.
 *
 * @example
 * ```ts
 * import { proxyBuildArgs } from "./params.ts";
 * proxyBuildArgs(["http_proxy=http://proxy:3128", "VERSION=1"], []); // { http_proxy: "http://proxy:3128" }
 * ```
 */
export function proxyBuildArgs(
  texts: readonly string[],
  specs: readonly ParamSpec[],
): Record<string, string> {
  const args: Record<string, string> = {};
  for (const text of texts) {
    const eq = text.indexOf("=");
    const name = eq === -1 ? text : text.slice(0, eq);
    if (eq === -1 || !PROXY_ARGS.includes(name) || specs.some((s) => s.key === name)) continue;
    args[name] = text.slice(eq + 1);
  }
  return args;
}

/**
 * The raw values of `specs` on a command line: `--flag value` wins over
 * `--build-arg key=value`. Unknown flags are left for the CLI to report.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { describeParam, paramValuesFromArgv } from "./params.ts";
 * const specs = [describeParam("port", z.number())];
 * paramValuesFromArgv(specs, ["--port", "8080"]); // { port: 8080 }
 * ```
 */
export function paramValuesFromArgv(
  specs: readonly ParamSpec[],
  argv: readonly string[],
): Record<string, unknown> {
  const options = parseArgsOptions([
    ...FLAGS,
    ...specs.map((s) => ({
      name: s.flag,
      type: s.kind === "boolean" ? "boolean" as const : "string" as const,
      multiple: s.kind === "list",
    })),
  ]);
  const { values } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: false });
  const raw: Record<string, unknown> = {};
  for (const text of (values["build-arg"] as string[] | undefined) ?? []) {
    const eq = text.indexOf("=");
    const name = eq === -1 ? text : text.slice(0, eq);
    const spec = specs.find((s) => s.key === name || s.flag === name);
    if (!spec) continue; // reported by the CLI, which knows every declared parameter
    if (eq === -1) throw new UsageError(`--build-arg ${name}: expected ${name}=VALUE`);
    raw[spec.key] = fromText(spec, spec.kind === "list" ? text.slice(eq + 1).split(",") : text.slice(eq + 1));
  }
  for (const spec of specs) {
    const v = values[spec.flag];
    if (v === undefined) continue;
    // Without strict parsing a value-less `--name` reads as `true`.
    if (spec.kind !== "boolean" && [v].flat().includes(true)) {
      throw new UsageError(`--${spec.flag} needs a value`);
    }
    raw[spec.key] = typeof v === "boolean" ? v : fromText(spec, v as string | string[]);
  }
  return raw;
}

function fromText(spec: ParamSpec, text: string | string[]): unknown {
  if (Array.isArray(text)) return text;
  switch (spec.kind) {
    case "boolean":
      if (/^(true|1|yes)$/i.test(text)) return true;
      if (/^(false|0|no)$/i.test(text)) return false;
      return text;
    case "number":
      return text.trim() !== "" && Number.isFinite(Number(text)) ? Number(text) : text;
    default:
      return text;
  }
}

function checkValues(
  schema: z.ZodType,
  raw: Record<string, unknown>,
  specs: readonly ParamSpec[],
): Record<string, unknown> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data as Record<string, unknown>;
  try {
    validate("params", "", schema, raw, undefined);
  } catch (err) {
    if (err instanceof OptionError) {
      const p = err.problems[0];
      const [key, ...rest] = p.option.split(".");
      const spec = specs.find((s) => s.key === key);
      const name = spec ? `--${spec.flag}${rest.length ? `[${rest.join(".")}]` : ""}` : p.option;
      const message = spec?.required && raw[key] === undefined
        ? "is required"
        : spec?.choices && rest.length === 0
        ? `must be one of ${spec.choices.join(", ")}, not ${JSON.stringify(raw[key])}`
        : typeof p.message === "string"
        ? p.message
        : p.message(undefined);
      throw new UsageError(`${name} ${message}`);
    }
    throw err;
  }
  return raw;
}

function defaults(schema: z.ZodType): Record<string, unknown> {
  const shape = (schema as z.ZodObject).shape as Record<string, z.ZodType>;
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(shape)) {
    const r = s.safeParse(undefined);
    if (r.success) out[key] = r.data;
  }
  return out;
}
