// Property test: whatever packet stream a malicious or buggy engine sends to the local exporter's receiver,
// nothing is created, changed or removed outside the destination. Random streams come from a seeded PRNG:
// a failure prints the seed and case number, and DRYDOCK_FUZZ_SEED / DRYDOCK_FUZZ_CASES reproduce it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { lstat, mkdir, readdir, readFile, readlink, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import process from "node:process";
import { type Packet, Packet_PacketType as T, type Stat } from "../proto/fsutil_types.gen.ts";
import { receiveTree } from "./filesend.ts";
import { createSerialSender, type PacketChannel } from "./packet_channel.ts";
import { createChannelPair } from "./packet_channel_test_util.ts";
import { withTempDir } from "../fs/tree_fixture_test_util.ts";
import { SeededRandom as Gen } from "../../tests/support/seeded_random.ts";

const SEED = Number(process.env.DRYDOCK_FUZZ_SEED ?? 0x5eed);
const CASES = Number(process.env.DRYDOCK_FUZZ_CASES ?? 2000);

const DIR = 0x80000000;
const SYMLINK = 0x08000000;
const DEVICE = 0x04000000;
const NAMED_PIPE = 0x02000000;
const SETUID = 0x00800000;

/**
 * Path pieces a hostile sender would try: parents, the sandbox's sibling, entries planted in the
 * destination beforehand, over-long and odd names.
 */
function segments(sandbox: string): string[] {
  return [
    "a",
    "b",
    "c",
    "..",
    ".",
    "",
    "outside",
    "planted-dir-link",
    "planted-file-link",
    "x".repeat(256),
    "nul\0byte",
    sandbox.slice(1), // an absolute path once a "/" is put before it
    "A",
  ];
}

function randomPath(g: Gen, sandbox: string, earlier: string[]): string {
  if (earlier.length > 0 && g.chance(0.4)) {
    // Below or next to an earlier entry: the way to reach through symlinks and replace types.
    const base = g.pick(earlier);
    return g.chance(0.6) ? `${base}/${g.pick(segments(sandbox))}` : base;
  }
  const depth = 1 + g.int(3);
  const parts = Array.from({ length: depth }, () => g.pick(segments(sandbox)));
  const path = parts.join("/");
  return g.chance(0.1) ? `/${path}` : g.chance(0.05) ? `${path}/` : path;
}

function randomLinkname(g: Gen, sandbox: string, earlier: string[]): string {
  return g.pick([
    "",
    "..",
    "../outside",
    "../outside/sentinel",
    join(sandbox, "outside"),
    join(sandbox, "outside/sentinel"),
    "/",
    "/etc/passwd",
    "a",
    "a/b",
    earlier.length > 0 ? g.pick(earlier) : "a",
    "x".repeat(5000),
  ]);
}

function randomStat(g: Gen, sandbox: string, earlier: string[]): Stat {
  const path = randomPath(g, sandbox, earlier);
  const kind = g.int(6);
  const perm = g.pick([0o755, 0o644, 0o000, 0o777, 0o4755]);
  switch (kind) {
    case 0: // owner-writable, so the sandbox can be removed by an unprivileged user
      return { path, mode: DIR | (perm & 0o777) | 0o700 };
    case 1:
      return { path, mode: perm & 0o777 | (g.chance(0.1) ? SETUID : 0), size: BigInt(g.int(100)) };
    case 2:
      return { path, mode: SYMLINK | 0o777, linkname: randomLinkname(g, sandbox, earlier) };
    case 3: // hardlink
      return { path, mode: 0o644, linkname: randomLinkname(g, sandbox, earlier) };
    case 4:
      return { path, mode: g.pick([DEVICE, NAMED_PIPE]) | 0o644 };
    default: // sorted-looking siblings, so that some streams get deep
      return {
        path: earlier.length > 0 ? `${earlier[earlier.length - 1]}/${g.pick(["a", "b", "z"])}` : "a",
        mode: g.chance(0.5) ? DIR | 0o755 : 0o644,
      };
  }
}

/** A hostile script: STATs (often valid-looking, sometimes not), then DATA for REQs, plus stray packets. */
interface Script {
  stats: Stat[];
  endListing: boolean;
  strayBefore: Packet[];
  /** Per REQ: how many chunks, and whether to end the file. */
  chunks: number;
  endFiles: boolean;
  strayAfter: Packet[];
}

/** Names a valid-looking tree uses; two of them exist as symlinks in a pre-populated destination. */
const TREE_NAMES = ["a", "b", "planted-dir-link", "planted-file-link", "z"];

/** A well-formed listing in walk order, whose links may point anywhere (they are legal as links). */
function validListing(
  g: Gen,
  sandbox: string,
  dir: string,
  depth: number,
  out: Stat[],
  files: string[],
): void {
  const names = TREE_NAMES.filter(() => g.chance(0.5));
  for (const name of names) {
    const path = dir === "" ? name : `${dir}/${name}`;
    const kind = g.int(depth < 3 ? 4 : 3);
    if (kind === 0) {
      out.push({ path, mode: 0o644, size: 5n });
      files.push(path);
    } else if (kind === 1) {
      // Legal as links, each pointing out of the destination: later entries must not write through them.
      const target = g.pick([
        "..",
        "../outside",
        "../outside/sentinel",
        join(sandbox, "outside"),
        "/etc/passwd",
        "a",
      ]);
      out.push({ path, mode: SYMLINK | 0o777, linkname: target });
    } else if (kind === 2 && files.length > 0) {
      out.push({ path, mode: 0o644, linkname: g.pick(files) });
    } else if (kind === 2) {
      out.push({ path, mode: 0o644, size: 5n });
      files.push(path);
    } else {
      out.push({ path, mode: DIR | 0o755 });
      validListing(g, sandbox, path, depth + 1, out, files);
    }
  }
}

function randomScript(g: Gen, sandbox: string): Script {
  const stats: Stat[] = [];
  validListing(g, sandbox, "", 0, stats, []);
  // Then the attack: hostile entries inserted anywhere (or none, to check accepted trees too).
  const attacks = g.pick([0, 0, 1, 1, 2]);
  for (let i = 0; i < attacks; i++) {
    const earlier = stats.map((s) => s.path ?? "");
    stats.splice(g.int(stats.length + 1), 0, randomStat(g, sandbox, earlier));
  }
  const stray = (): Packet[] =>
    Array.from({ length: g.int(3) }, () =>
      g.pick<Packet>([
        { type: T.PACKET_DATA, id: g.int(20), data: new TextEncoder().encode("pwned") },
        { type: T.PACKET_DATA, id: g.int(20) },
        { type: T.PACKET_REQ, id: g.int(20) },
        { type: T.PACKET_STAT, stat: { path: "late", mode: 0o644 } },
        { type: T.PACKET_FIN },
        { type: 99 as T },
      ]));
  return {
    stats,
    endListing: g.chance(0.95),
    strayBefore: g.chance(0.1) ? stray() : [],
    chunks: g.int(3),
    endFiles: g.chance(0.95),
    strayAfter: g.chance(0.2) ? stray() : [],
  };
}

async function play(channel: PacketChannel, script: Script): Promise<void> {
  const send = createSerialSender(channel);
  let listed = false;
  const listing = (async () => {
    for (const p of script.strayBefore) await send(p);
    for (const stat of script.stats) await send({ type: T.PACKET_STAT, stat });
    if (script.endListing) await send({ type: T.PACKET_STAT });
    for (const p of script.strayAfter) await send(p);
  })().catch(() => {}).finally(() => (listed = true));
  const packets = channel[Symbol.asyncIterator]();
  try {
    for (;;) {
      // A receiver waiting for what this script will never send would wait forever (as it would for a
      // stalled engine); once the script is out of packets and the receiver is quiet, hang up instead.
      const next = packets.next();
      let r: IteratorResult<Packet> | "quiet";
      do {
        r = await Promise.race([next, new Promise<"quiet">((res) => setTimeout(() => res("quiet"), 5))]);
      } while (r === "quiet" && !listed);
      if (r === "quiet" || r.done) break;
      const p = r.value;
      if (p.type === T.PACKET_REQ) {
        for (let i = 0; i < script.chunks; i++) {
          await send({ type: T.PACKET_DATA, id: p.id, data: new TextEncoder().encode("pwned") });
        }
        if (script.endFiles) await send({ type: T.PACKET_DATA, id: p.id });
      } else if (p.type === T.PACKET_FIN) {
        await send({ type: T.PACKET_FIN });
        break;
      } else if (p.type === T.PACKET_ERR) break;
    }
  } catch {
    // the receiver gave up on us
  }
  await listing;
  channel.end(); // a sender that stops without FIN must not leave the receiver waiting
  void packets.return?.();
}

/** Everything in the sandbox outside `dest`, described, to compare before and after. */
async function outsideState(sandbox: string): Promise<string> {
  const lines: string[] = [];
  for (const name of (await readdir(sandbox)).sort()) {
    if (name === "dest") continue;
    lines.push(await describe(join(sandbox, name), name));
  }
  for (const name of (await readdir(join(sandbox, "outside"))).sort()) {
    lines.push(await describe(join(sandbox, "outside", name), `outside/${name}`));
  }
  return lines.join("\n");
}

async function describe(path: string, name: string): Promise<string> {
  const st = await lstat(path);
  if (st.isSymbolicLink()) return `${name} -> ${await readlink(path)}`;
  if (st.isDirectory()) return `${name}/ ${st.mode.toString(8)}`;
  return `${name} ${st.mode.toString(8)} ${await readFile(path, "utf8")}`;
}

test(
  `the local exporter's receiver writes nothing outside its destination (${CASES} random streams, seed ${SEED})`,
  // About 0.2 s a stream on a loaded machine: `deno task fuzz` runs 10,000.
  { timeout: Math.max(600_000, CASES * 500) },
  () =>
    withTempDir(async (root) => {
      const g = new Gen(SEED);
      let refused = 0;
      for (let i = 0; i < CASES; i++) {
        const sandbox = join(root, String(i));
        const dest = join(sandbox, "dest");
        await mkdir(join(sandbox, "outside"), { recursive: true });
        await writeFile(join(sandbox, "outside/sentinel"), "original");
        if (g.chance(0.5)) {
          // An existing destination with links planted by an earlier export (or an attacker).
          await mkdir(dest);
          await symlink("../outside", join(dest, "planted-dir-link"));
          await symlink("../outside/sentinel", join(dest, "planted-file-link"));
        }
        const before = await outsideState(sandbox);
        const script = randomScript(g, sandbox);
        const [theirs, ours] = createChannelPair({ capacity: 2, encode: true });
        const played = play(theirs, script);
        const outcome = await receiveTree(ours, dest).then(() => "ok", (e: Error) => e.message);
        // A finished receiver reads no more, so the script's leftover sends may never complete (on the
        // wire, the ended call would fail them): give it a moment, not forever.
        await Promise.race([played, new Promise((res) => setTimeout(res, 50))]);
        if (outcome !== "ok") refused++;
        const after = await outsideState(sandbox);
        const top = await readdir(root);
        if (after !== before || top.length !== 1) {
          assert.fail(
            `case ${i} (seed ${SEED}) changed the sandbox outside dest (receiver said: ${outcome})\n` +
              `before:\n${before}\nafter:\n${after}\nnext to the sandbox: ${top}\nstats: ${
                JSON.stringify(script.stats, (_k, v) => typeof v === "bigint" ? String(v) : v)
              }`,
          );
        }
        await rm(sandbox, { recursive: true, force: true });
      }
      // The generator must exercise both sides: streams that are refused and streams that are written.
      assert.ok(refused > CASES / 10, `only ${refused} of ${CASES} streams were refused`);
      assert.ok(CASES - refused > CASES / 10, `only ${CASES - refused} of ${CASES} streams were accepted`);
    }),
);
