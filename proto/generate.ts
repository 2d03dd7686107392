/**
 * Generates `src/proto/*.gen.ts` from the `.proto` files in this folder.
 *
 * protobufjs parses the protos; this file turns its reflection tree into
 * TypeScript with encoders that are deterministic by construction, because
 * LLB op digests are hashes of the exact bytes we send:
 * - fields in Go protobuf's order: fields outside a oneof by number, then each
 *   oneof's member (oneofs in declaration order). BuildKit >= 0.18 re-encodes
 *   every op this way and uses that digest as the vertex identity, so only this
 *   order makes the digest of the bytes sent the digest the engine reports;
 * - proto3 zero scalars omitted;
 * - map entries sorted bytewise by key;
 * - oneof members and message fields written whenever present (so `byID: 0`
 *   and empty messages survive, as Go writes them);
 * - 64-bit integers as `bigint`, so `-1` indexes and nanosecond times are exact.
 *
 * Run: `deno task proto` (writes) or `deno task proto:check` (fails if stale).
 *
 * @module
 */
import protobuf from "protobufjs";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const PROTO_DIR = dirname(fileURLToPath(import.meta.url));
const OUT_DIR = join(PROTO_DIR, "..", "src", "proto");

type Field = protobuf.Field;
type MapField = protobuf.MapField;

const SCALAR_TS: Record<string, string> = {
  double: "number",
  float: "number",
  int32: "number",
  uint32: "number",
  sint32: "number",
  fixed32: "number",
  sfixed32: "number",
  int64: "bigint",
  uint64: "bigint",
  sint64: "bigint",
  fixed64: "bigint",
  sfixed64: "bigint",
  bool: "boolean",
  string: "string",
  bytes: "Uint8Array",
};

const WIRE_TYPE: Record<string, number> = {
  double: 1,
  float: 5,
  int32: 0,
  uint32: 0,
  sint32: 0,
  fixed32: 5,
  sfixed32: 5,
  int64: 0,
  uint64: 0,
  sint64: 0,
  fixed64: 1,
  sfixed64: 1,
  bool: 0,
  string: 2,
  bytes: 2,
};

const LONG_TYPES = new Set(["int64", "uint64", "sint64", "fixed64", "sfixed64"]);
const UNSIGNED_LONG = new Set(["uint64", "fixed64"]);

/** `ID` → `id`, `SSHOpt` → `sshOpt`, `include_patterns` → `includePatterns`. */
export function tsFieldName(protoName: string): string {
  const camel = protoName.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  const m = /^([A-Z]+)(.*)$/.exec(camel);
  if (!m) return camel;
  const [, caps, rest] = m;
  if (rest === "" || caps.length === 1) return caps.toLowerCase() + rest;
  // "SSHOpt": the last capital starts the next word.
  return rest[0] >= "a" && rest[0] <= "z"
    ? caps.slice(0, -1).toLowerCase() + caps.slice(-1) + rest
    : caps.toLowerCase() + rest;
}

/** File module name for a proto package: `moby.buildkit.v1` → `moby_buildkit_v1`. */
function moduleOf(pkg: string): string {
  return pkg.replace(/\./g, "_");
}

function packageOf(t: protobuf.ReflectionObject): string {
  let ns = t.parent;
  const parts: string[] = [];
  while (ns && ns.name !== "") {
    if (ns instanceof protobuf.Type) {
      ns = ns.parent;
      continue;
    }
    parts.unshift(ns.name);
    ns = ns.parent;
  }
  return parts.join(".");
}

/** TS identifier of a type inside its own module: nested types joined with `_`. */
function localName(t: protobuf.ReflectionObject): string {
  const parts = [t.name];
  let p = t.parent;
  while (p instanceof protobuf.Type) {
    parts.unshift(p.name);
    p = p.parent;
  }
  return parts.join("_");
}

class ModuleWriter {
  readonly lines: string[] = [];
  readonly imports = new Set<string>();
  constructor(readonly pkg: string) {}

  ref(t: protobuf.ReflectionObject): string {
    const pkg = packageOf(t);
    if (pkg === this.pkg) return localName(t);
    this.imports.add(pkg);
    return `${moduleOf(pkg)}.${localName(t)}`;
  }
}

function collectFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...collectFiles(p));
    else if (name.endsWith(".proto")) out.push(p);
  }
  return out;
}

function loadRoot(): { root: protobuf.Root; files: string[] } {
  const root = new protobuf.Root();
  const files = collectFiles(PROTO_DIR);
  for (const file of files) {
    const source = readFileSync(file, "utf8");
    protobuf.parse(source, root, { keepCase: true, alternateCommentMode: true });
  }
  root.resolveAll();
  return { root, files: files.map((f) => relative(PROTO_DIR, f)) };
}

function allNested(ns: protobuf.NamespaceBase): protobuf.ReflectionObject[] {
  const out: protobuf.ReflectionObject[] = [];
  for (const obj of ns.nestedArray) {
    out.push(obj);
    if (obj instanceof protobuf.Namespace || obj instanceof protobuf.Type) {
      out.push(...allNested(obj as protobuf.NamespaceBase));
    }
  }
  return out;
}

function fieldTsType(w: ModuleWriter, f: Field): string {
  const rt = f.resolvedType;
  let base: string;
  if (rt) base = w.ref(rt);
  else base = SCALAR_TS[f.type];
  if (f.map) {
    return `{ [key: string]: ${base} }`;
  }
  return f.repeated ? `${base}[]` : base;
}

function isPresenceField(f: Field): boolean {
  return Boolean(f.partOf) || Boolean(f.resolvedType instanceof protobuf.Type);
}

function zeroCheck(f: Field, v: string): string {
  if (f.resolvedType instanceof protobuf.Enum) return `${v} !== undefined && ${v} !== 0`;
  switch (f.type) {
    case "string":
      return `${v} !== undefined && ${v} !== ""`;
    case "bytes":
      return `${v} !== undefined && ${v}.length > 0`;
    case "bool":
      return `${v} === true`;
    default:
      return LONG_TYPES.has(f.type)
        ? `${v} !== undefined && ${v} !== 0n`
        : `${v} !== undefined && ${v} !== 0`;
  }
}

function writeValue(w: ModuleWriter, f: Field | MapField, type: string, v: string, fieldNo: number): string {
  const rt = type === f.type ? f.resolvedType : null;
  if (rt instanceof protobuf.Type) {
    return `${w.ref(rt)}.encode(${v}, w.uint32(${(fieldNo << 3) | 2}).fork()).ldelim();`;
  }
  if (rt instanceof protobuf.Enum) return `w.uint32(${fieldNo << 3}).int32(${v});`;
  const tag = (fieldNo << 3) | WIRE_TYPE[type];
  if (LONG_TYPES.has(type)) return `w.uint32(${tag}).${type}(toLongBits(${v}));`;
  return `w.uint32(${tag}).${type}(${v});`;
}

function readValue(
  w: ModuleWriter,
  type: string,
  resolved: protobuf.ReflectionObject | null,
): string {
  if (resolved instanceof protobuf.Type) return `${w.ref(resolved)}.decode(r, r.uint32())`;
  if (resolved instanceof protobuf.Enum) return `r.int32() as ${w.ref(resolved)}`;
  if (LONG_TYPES.has(type)) return `fromLong(r.${type}(), ${UNSIGNED_LONG.has(type)})`;
  return `r.${type}()`;
}

function scalarDefault(type: string, resolved: protobuf.ReflectionObject | null): string {
  if (resolved instanceof protobuf.Type) return "{}";
  if (resolved instanceof protobuf.Enum) return "0";
  switch (type) {
    case "string":
      return `""`;
    case "bytes":
      return "new Uint8Array(0)";
    case "bool":
      return "false";
    default:
      return LONG_TYPES.has(type) ? "0n" : "0";
  }
}

function defaultValue(f: Field): string | undefined {
  if (f.map) return "{}";
  if (f.repeated) return "[]";
  if (isPresenceField(f)) return undefined;
  return scalarDefault(f.type, f.resolvedType);
}

function emitEnum(w: ModuleWriter, e: protobuf.Enum): void {
  const name = localName(e);
  w.lines.push(`/** Enum \`${e.fullName.slice(1)}\`. */`);
  w.lines.push(`export const ${name} = {`);
  for (const [k, v] of Object.entries(e.values)) w.lines.push(`  ${k}: ${v},`);
  w.lines.push(`} as const;`);
  w.lines.push(`export type ${name} = typeof ${name}[keyof typeof ${name}];`);
  w.lines.push("");
}

/** A field's oneof, unless it is proto3 `optional`'s synthetic one (Go treats those as plain fields). */
function realOneof(f: Field): protobuf.OneOf | null {
  const o = f.partOf;
  if (!o || o.fieldsArray.every((x) => x.options?.["proto3_optional"])) return null;
  return o;
}

/**
 * Go protobuf's marshal order (`order.LegacyFieldOrder`): fields outside a
 * oneof first, then oneof members grouped by oneof declaration, each by number.
 */
export function goFieldOrder(t: protobuf.Type): Field[] {
  const oneofIndex = (f: Field) => {
    const o = realOneof(f);
    return o ? 1 + t.oneofsArray.indexOf(o) : 0;
  };
  return [...t.fieldsArray].sort((a, b) => oneofIndex(a) - oneofIndex(b) || a.id - b.id);
}

function emitMessage(w: ModuleWriter, t: protobuf.Type): void {
  const name = localName(t);
  const fields = [...t.fieldsArray].sort((a, b) => a.id - b.id);
  w.lines.push(`/** Message \`${t.fullName.slice(1)}\`. */`);
  w.lines.push(`export interface ${name} {`);
  for (const f of fields) {
    const oneof = f.partOf ? ` (oneof ${f.partOf.name})` : "";
    w.lines.push(`  /** ${f.id}: \`${f.name}\`${oneof} */`);
    w.lines.push(`  ${tsFieldName(f.name)}?: ${fieldTsType(w, f)};`);
  }
  w.lines.push(`}`);
  w.lines.push("");

  // Encoder. The explicit type keeps the public API free of slow types.
  w.lines.push(`export const ${name}: MessageType<${name}> = {`);
  w.lines.push(`  encode(m: ${name}, w: Writer = Writer.create()): Writer {`);
  for (const f of goFieldOrder(t)) {
    const v = `m.${tsFieldName(f.name)}`;
    if (f.map) {
      const mf = f as unknown as MapField;
      const keyTag = (1 << 3) | WIRE_TYPE[mf.keyType];
      const numericKey = mf.keyType !== "string";
      const keyOut = !numericKey ? "k" : LONG_TYPES.has(mf.keyType) ? "toLongBits(BigInt(k))" : "Number(k)";
      w.lines.push(`    if (${v} !== undefined) {`);
      w.lines.push(`      for (const k of ${numericKey ? "numericKeys" : "sortedKeys"}(${v})) {`);
      w.lines.push(`        w.uint32(${(f.id << 3) | 2}).fork().uint32(${keyTag}).${mf.keyType}(${keyOut});`);
      w.lines.push(`        ${writeValue(w, f, f.type, `${v}[k]`, 2)}`);
      w.lines.push(`        w.ldelim();`);
      w.lines.push(`      }`);
      w.lines.push(`    }`);
    } else if (f.repeated) {
      const packed = !(f.resolvedType instanceof protobuf.Type) && WIRE_TYPE[f.type] !== 2 &&
        f.type !== "string" && f.type !== "bytes";
      if (packed) {
        const t2 = f.resolvedType instanceof protobuf.Enum ? "int32" : f.type;
        const conv = LONG_TYPES.has(t2) ? "toLongBits(x)" : "x";
        w.lines.push(`    if (${v} !== undefined && ${v}.length > 0) {`);
        w.lines.push(`      w.uint32(${(f.id << 3) | 2}).fork();`);
        w.lines.push(`      for (const x of ${v}) w.${t2}(${conv});`);
        w.lines.push(`      w.ldelim();`);
        w.lines.push(`    }`);
      } else {
        w.lines.push(
          `    if (${v} !== undefined) for (const x of ${v}) ${writeValue(w, f, f.type, "x", f.id)}`,
        );
      }
    } else if (isPresenceField(f)) {
      w.lines.push(`    if (${v} !== undefined) ${writeValue(w, f, f.type, v, f.id)}`);
    } else {
      w.lines.push(`    if (${zeroCheck(f, v)}) ${writeValue(w, f, f.type, v, f.id)}`);
    }
  }
  w.lines.push(`    return w;`);
  w.lines.push(`  },`);

  // Decoder.
  w.lines.push(`  decode(input: Reader | Uint8Array, length?: number): ${name} {`);
  w.lines.push(`    const r = input instanceof Reader ? input : Reader.create(input);`);
  w.lines.push(`    const end = length === undefined ? r.len : r.pos + length;`);
  const inits = fields
    .map((f) => [tsFieldName(f.name), defaultValue(f)] as const)
    .filter(([, d]) => d !== undefined)
    .map(([n, d]) => `${n}: ${d}`);
  w.lines.push(`    const m: ${name} = { ${inits.join(", ")} };`);
  w.lines.push(`    while (r.pos < end) {`);
  w.lines.push(`      const tag = r.uint32();`);
  w.lines.push(`      switch (tag >>> 3) {`);
  for (const f of fields) {
    const n = tsFieldName(f.name);
    w.lines.push(`        case ${f.id}: {`);
    if (f.map) {
      const mf = f as unknown as MapField;
      const valRead = readValue(w, f.type, f.resolvedType);
      const valDefault = scalarDefault(f.type, f.resolvedType);
      const valType = f.resolvedType ? w.ref(f.resolvedType) : SCALAR_TS[f.type];
      w.lines.push(`          const e = r.uint32() + r.pos;`);
      const keyRead = mf.keyType === "string"
        ? "r.string()"
        : LONG_TYPES.has(mf.keyType)
        ? `String(fromLong(r.${mf.keyType}(), ${UNSIGNED_LONG.has(mf.keyType)}))`
        : `String(r.${mf.keyType}())`;
      w.lines.push(`          let k = ${mf.keyType === "string" ? `""` : `"0"`};`);
      w.lines.push(`          let v: ${valType} = ${valDefault};`);
      w.lines.push(`          while (r.pos < e) {`);
      w.lines.push(`            const t = r.uint32();`);
      w.lines.push(`            if (t >>> 3 === 1) k = ${keyRead};`);
      w.lines.push(`            else if (t >>> 3 === 2) v = ${valRead};`);
      w.lines.push(`            else r.skipType(t & 7);`);
      w.lines.push(`          }`);
      w.lines.push(`          m.${n}![k] = v;`);
    } else if (f.repeated) {
      const isScalarNumeric = !(f.resolvedType instanceof protobuf.Type) && f.type !== "string" &&
        f.type !== "bytes";
      const val = readValue(w, f.type, f.resolvedType);
      if (isScalarNumeric) {
        w.lines.push(`          if ((tag & 7) === 2) {`);
        w.lines.push(`            const e = r.uint32() + r.pos;`);
        w.lines.push(`            while (r.pos < e) m.${n}!.push(${val});`);
        w.lines.push(`          } else m.${n}!.push(${val});`);
      } else {
        w.lines.push(`          m.${n}!.push(${val});`);
      }
    } else {
      w.lines.push(`          m.${n} = ${readValue(w, f.type, f.resolvedType)};`);
    }
    w.lines.push(`          break;`);
    w.lines.push(`        }`);
  }
  w.lines.push(`        default:`);
  w.lines.push(`          r.skipType(tag & 7);`);
  w.lines.push(`      }`);
  w.lines.push(`    }`);
  w.lines.push(`    return m;`);
  w.lines.push(`  },`);
  w.lines.push(`  toBinary(m: ${name}): Uint8Array {`);
  w.lines.push(`    return ${name}.encode(m).finish();`);
  w.lines.push(`  },`);
  w.lines.push(`  fromBinary(b: Uint8Array): ${name} {`);
  w.lines.push(`    return ${name}.decode(b);`);
  w.lines.push(`  },`);
  w.lines.push(`};`);
  w.lines.push("");
}

function emitService(w: ModuleWriter, s: protobuf.Service): void {
  const name = `${s.name}Service`;
  const typed = s.methodsArray.map((m) => {
    const req = w.ref(m.resolvedRequestType!);
    const res = w.ref(m.resolvedResponseType!);
    return { m, req, res };
  });
  w.lines.push(`/** Service \`${s.fullName.slice(1)}\`: method descriptors for the transport. */`);
  w.lines.push(`export const ${name}: {`);
  for (const { m, req, res } of typed) {
    w.lines.push(`  readonly ${tsFieldName(m.name)}: MethodDescriptor<${req}, ${res}>;`);
  }
  w.lines.push(`} = {`);
  for (const { m, req, res } of typed) {
    w.lines.push(`  ${tsFieldName(m.name)}: {`);
    w.lines.push(`    path: "/${s.fullName.slice(1)}/${m.name}",`);
    w.lines.push(`    requestStream: ${Boolean(m.requestStream)},`);
    w.lines.push(`    responseStream: ${Boolean(m.responseStream)},`);
    w.lines.push(`    requestType: ${req},`);
    w.lines.push(`    responseType: ${res},`);
    w.lines.push(`  },`);
  }
  w.lines.push(`};`);
  w.lines.push("");
}

const HEADER = (sources: string[]) =>
  [
    "// Code generated by proto/generate.ts. DO NOT EDIT.",
    `// Sources: ${sources.join(", ")}`,
    "// deno-lint-ignore-file",
    "// deno-fmt-ignore-file",
    "",
  ].join("\n");

const RUNTIME = `${HEADER(["(runtime)"])}
// Wire primitives shared by the generated modules.
import protobuf from "protobufjs/minimal.js";
import Long from "long";

// protobufjs finds \`long\` with a CommonJS probe that ESM runtimes may not
// satisfy; without it, int64 reads lose precision.
protobuf.util.Long = Long;
protobuf.configure();

export const Writer = protobuf.Writer;
export type Writer = protobuf.Writer;
export const Reader = protobuf.Reader;
export type Reader = protobuf.Reader;

/** A codec for one message type. */
export interface MessageType<T> {
  encode(m: T, w?: Writer): Writer;
  decode(input: Reader | Uint8Array, length?: number): T;
  toBinary(m: T): Uint8Array;
  fromBinary(b: Uint8Array): T;
}

/** One RPC method: its path and codecs. */
export interface MethodDescriptor<Req, Res> {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestType: MessageType<Req>;
  responseType: MessageType<Res>;
}

const utf8 = new TextEncoder();

/** Map keys in bytewise UTF-8 order, as Go's stable marshalers emit them. */
export function sortedKeys(o: object): string[] {
  const keys = Object.keys(o);
  if (keys.length < 2) return keys;
  return keys.map((k) => [k, utf8.encode(k)] as const).sort(([, x], [, y]) => {
    const n = Math.min(x.length, y.length);
    for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
    return x.length - y.length;
  }).map(([k]) => k);
}

// protobufjs's writer reads only \`low\` and \`high\`, so this stands in for a Long.
/** Numeric map keys (held as strings in JS objects) in numeric order. */
export function numericKeys(o: object): string[] {
  return Object.keys(o).sort((a, b) => {
    const x = BigInt(a), y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

export function toLongBits(v: bigint): Long {
  const u = BigInt.asUintN(64, v);
  return { low: Number(u & 0xffffffffn) | 0, high: Number(u >> 32n) | 0, unsigned: false } as Long;
}

export function fromLong(v: unknown, unsigned: boolean): bigint {
  if (typeof v === "number") return BigInt(v);
  const l = v as { low: number; high: number };
  const u = (BigInt(l.high >>> 0) << 32n) | BigInt(l.low >>> 0);
  return unsigned ? u : BigInt.asIntN(64, u);
}
`;

/** Renders every generated file: name → contents. */
export function generate(): Map<string, string> {
  const { root, files } = loadRoot();
  const modules = new Map<string, ModuleWriter>();
  // Services last: their descriptors reference message codecs by value.
  const objects = allNested(root);
  const ordered = [
    ...objects.filter((o) => !(o instanceof protobuf.Service)),
    ...objects.filter((o) => o instanceof protobuf.Service),
  ];
  for (const obj of ordered) {
    if (!(obj instanceof protobuf.Type || obj instanceof protobuf.Enum || obj instanceof protobuf.Service)) {
      continue;
    }
    const pkg = packageOf(obj);
    let w = modules.get(pkg);
    if (!w) modules.set(pkg, w = new ModuleWriter(pkg));
    if (obj instanceof protobuf.Type) emitMessage(w, obj);
    else if (obj instanceof protobuf.Enum) emitEnum(w, obj);
    else emitService(w, obj);
  }
  const out = new Map<string, string>();
  out.set("runtime.gen.ts", RUNTIME);
  for (const [pkg, w] of [...modules].sort(([a], [b]) => a < b ? -1 : 1)) {
    const sources = files.filter((f) => {
      const text = readFileSync(join(PROTO_DIR, f), "utf8");
      return new RegExp(`^package ${pkg.replace(/\./g, "\\.")};`, "m").test(text);
    });
    const head = [HEADER(sources)];
    head.push(
      `import { Reader, Writer, sortedKeys, numericKeys, toLongBits, fromLong, type MessageType, type MethodDescriptor } from "./runtime.gen.ts";`,
    );
    for (const dep of [...w.imports].sort()) {
      head.push(`import * as ${moduleOf(dep)} from "./${moduleOf(dep)}.gen.ts";`);
    }
    head.push(`void sortedKeys; void numericKeys; void toLongBits; void fromLong;`);
    head.push("");
    out.set(`${moduleOf(pkg)}.gen.ts`, head.join("\n") + "\n" + w.lines.join("\n"));
  }
  return out;
}

/** Names of generated files whose contents differ from what is on disk. */
export function staleFiles(): string[] {
  const stale: string[] = [];
  const onDisk = new Set(readdirSync(OUT_DIR).filter((f) => f.endsWith(".gen.ts")));
  for (const [name, text] of generate()) {
    onDisk.delete(name);
    let current = "";
    try {
      current = readFileSync(join(OUT_DIR, name), "utf8");
    } catch { /* missing */ }
    if (current !== text) stale.push(name);
  }
  return [...stale, ...onDisk];
}

if (import.meta.main) {
  if (process.argv.includes("--check")) {
    const stale = staleFiles();
    if (stale.length > 0) {
      console.error(`generated protobuf code is stale: ${stale.join(", ")}; run \`deno task proto\``);
      process.exit(1);
    }
    console.log("generated protobuf code is up to date");
  } else {
    for (const [name, text] of generate()) writeFileSync(join(OUT_DIR, name), text);
    console.log(`wrote ${OUT_DIR}`);
  }
}
