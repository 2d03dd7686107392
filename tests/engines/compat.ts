/**
 * Builds one small graph per feature on every engine of engines.env and writes what happened as a Markdown
 * table: works, falls back (drydock's notice), or refused (drydock's message). With `--write FILE`, replaces
 * the table between `<!-- compat:begin -->` and `<!-- compat:end -->` in FILE (the README).
 *
 *   set -a; . "$DRYDOCK_ENGINES_DIR/engines.env"; set +a
 *   deno run -A tests/engines/compat.ts --write README.md
 *
 * @module
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import {
  type BuildOutput,
  buildTargets,
  diff,
  dockerfile,
  git,
  http,
  image,
  local,
  merge,
  scratch,
  secret,
  type State,
} from "../../mod.ts";

const ENGINES = [
  ["dk20", "DRYDOCK_DK20_HOST", "Docker 20.10"],
  ["dk26", "DRYDOCK_DK26_HOST", "Docker 26.1 overlay2"],
  ["dk26c", "DRYDOCK_DK26C_HOST", "Docker 26.1 containerd"],
  ["dk28", "DRYDOCK_DK28_HOST", "Docker 28.5 containerd"],
] as const;

const work = mkdtempSync(join(tmpdir(), "drydock-compat-"));
writeFileSync(join(work, "Dockerfile"), "FROM busybox\nRUN echo df > /df\n");
writeFileSync(join(work, "a.txt"), "a\n");
const registry = process.env.DRYDOCK_REGISTRY;
const salt = `compat-${Date.now().toString(36)}`;
const base = () => image("busybox").env("SALT", salt);
// The registry's busybox digest, for image({ checksum }).
const busyboxDigest = registry
  ? (await fetch(`http://${registry}/v2/busybox/manifests/latest`, {
    method: "HEAD",
    headers: {
      accept:
        "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, " +
        "application/vnd.oci.image.manifest.v1+json",
    },
  })).headers.get("docker-content-digest") ?? undefined
  : undefined;
const out = (name: string): BuildOutput => ({ type: "local", dest: join(work, "out", name) });

interface Feature {
  readonly name: string;
  readonly state: () => State;
  readonly outputs?: (engine: string) => BuildOutput[];
  readonly platforms?: string[];
  readonly attest?: boolean;
}

const FEATURES: Feature[] = [
  {
    name: "`run()`, `copy()`, `local()`",
    state: () => base().copy(local(work), "a.txt", "/a").run("cat /a"),
  },
  { name: "`merge()`", state: () => merge([base(), scratch().mkfile("/m", "m")]) },
  { name: "`diff()`", state: () => diff(base(), base().run("touch /d")) },
  { name: "`dockerfile()`", state: () => scratch().copy(dockerfile(local(work)), "/df", "/df") },
  {
    name: "secret as env (`run({ secrets })`)",
    state: () => base().run("test -n $S", { secrets: { S: secret("compat", { value: "v" }) } }),
  },
  {
    name: "several outputs in one build",
    state: () => base().run("true"),
    outputs: (e) => [out(`${e}-1`), { type: "tar", dest: join(work, "out", `${e}.tar`) }],
  },
  {
    name: "`oci` tarball output",
    state: () => base(),
    outputs: (e) => [{ type: "oci", dest: join(work, `${e}.oci`) }],
  },
  {
    name: 'image output with `compression: "zstd"`',
    state: () => base().run("true"),
    outputs: (e) => [{ type: "image", name: `drydock-compat-${e}:zstd`, compression: "zstd" }],
  },
  {
    name: "multi-platform image",
    state: () => scratch().mkfile("/p", "p"),
    platforms: ["linux/amd64", "linux/arm64"],
    outputs: (e) => [{ type: "image", name: `drydock-compat-${e}:multi` }],
  },
  {
    name: "provenance attestation",
    state: () => scratch().mkfile("/p", "p"),
    attest: true,
    outputs: (e) => [{ type: "image", name: `drydock-compat-${e}:prov` }],
  },
  {
    name: "push (`push: true`)",
    state: () => base().run(`echo ${salt} > /p`),
    outputs: (e) =>
      registry ? [{ type: "image", name: `${registry}/drydock-compat-${e}:p`, push: true }] : [],
  },
  { name: "`symlink()`", state: () => scratch().mkdir("/d").symlink("x", "/d/l") },
  { name: "`run({ validExitCodes })`", state: () => base().run("exit 3", { validExitCodes: [3] }) },
  {
    name: "`run({ devices })` (CDI)",
    state: () => base().run("true", { devices: [{ name: "drydock.test/none=0", optional: true }] }),
  },
  {
    name: '`copy({ chmod: "u+x" })`',
    state: () => scratch().copy(base(), "/bin/sh", "/sh", { chmod: "u+x" }),
  },
  {
    name: "`copy({ alwaysReplaceExistingDestPaths })`",
    state: () => scratch().copy(base(), "/etc", "/e", { alwaysReplaceExistingDestPaths: true }),
  },
  {
    name: "`copy({ requiredPaths })`",
    state: () => scratch().copy(base(), "/etc", "/e", { include: ["passwd"], requiredPaths: ["passwd"] }),
  },
  {
    name: "`git({ checksum, skipSubmodules })`",
    state: () => git("https://example.invalid/r.git", { checksum: "0".repeat(40), skipSubmodules: true }),
  },
  {
    name: "`image({ checksum })`",
    state: () =>
      scratch().copy(image(`${registry}/busybox:latest`, { checksum: busyboxDigest }), "/bin/busybox", "/b"),
  },
  { name: "`http({ headers })`", state: () => http("http://127.0.0.1:1/f", { headers: { accept: "*/*" } }) },
  {
    name: "`local({ metadataOnly })`",
    state: () => scratch().copy(local(work, { metadataOnly: true }), ".", "/"),
  },
];

// Failures that mean the feature was accepted and ran (these sources are deliberately unreachable).
const RAN = /example\.invalid|127\.0\.0\.1:1\b/i;

// dk26c under the other test load sometimes fails a build with a bare "not found" (a cache record gone
// under it); that is no answer about the feature, so such a build is tried once more.
async function outcome(feature: Feature, engine: string, host: string): Promise<string> {
  const first = await attempt(feature, engine, host);
  return first === "refused: not found" ? await attempt(feature, engine, host) : first;
}

async function attempt(feature: Feature, engine: string, host: string): Promise<string> {
  const notices: string[] = [];
  const outputs = feature.outputs?.(engine) ?? [out(`${engine}-${FEATURES.indexOf(feature)}`)];
  try {
    const r = await buildTargets({
      t: {
        state: feature.platforms ? () => feature.state() : feature.state(),
        output: outputs,
        ...(feature.platforms ? { platforms: feature.platforms } : {}),
      },
    }, {
      host: `docker+${host}`,
      onNotice: (_t, m) => notices.push(m),
      ...(feature.attest ? { attest: { provenance: { mode: "min" } } } : {}),
    });
    notices.push(...r.t.notices);
    return notices.length ? `falls back: ${short(notices[0])}` : "works";
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (RAN.test(message)) return "works";
    return `refused: ${short(message)}`;
  }
}

/** One clause, no build.ts location or engine address: the table stays readable. */
function short(message: string): string {
  const cap = /needs the engine capability "([^"]+)"/.exec(message);
  if (cap) return `needs cap \`${cap[1]}\``;
  let text = message.split("\n")[0].replace(/ \(at [^)]*\)/g, "").replace(/unix:\/\/\S+/g, "the engine");
  text = text.split(/, which |; |: use /)[0];
  const paren = text.indexOf(" (", 20);
  if (paren !== -1) text = text.slice(0, paren);
  if (text.length > 100) text = text.slice(0, 99) + "…";
  return text.replace(/\|/g, "\\|");
}

const engines = ENGINES.filter(([, v]) => process.env[v]);
const rows: string[][] = [];
for (const f of FEATURES) {
  const cells = await Promise.all(engines.map(([e, v]) => outcome(f, e, process.env[v]!)));
  rows.push([f.name, ...cells]);
  console.error(`compat: ${f.name}: ${cells.join(" | ")}`);
}
rmSync(work, { recursive: true, force: true });

const table = [
  `| feature | ${engines.map(([, , label]) => label).join(" | ")} |`,
  `| --- | ${engines.map(() => "---").join(" | ")} |`,
  ...rows.map((r) => `| ${r.join(" | ")} |`),
].join("\n");

const at = process.argv.indexOf("--write");
if (at === -1) console.log(table);
else {
  const file = process.argv[at + 1];
  const text = readFileSync(file, "utf8");
  const m = /<!-- compat:begin -->\n[\s\S]*?<!-- compat:end -->/.exec(text);
  if (!m) throw new Error(`${file} has no <!-- compat:begin --> ... <!-- compat:end --> section`);
  writeFileSync(file, text.replace(m[0], `<!-- compat:begin -->\n${table}\n<!-- compat:end -->`));
  console.error(`compat: wrote the table into ${file}`);
}
