/**
 * Sums the JUnit reports of the Deno and Bun runs into the suite's last line:
 * `N passed, N failed[, N skipped]`. Exits non-zero on any failure, including
 * a runner that failed without reporting a failed test (e.g. a load error).
 *
 * Usage: summarize.ts REPORT.xml:ok|missing... RUNNER_STATUS
 *
 * @module
 */
import { readFileSync } from "node:fs";
import process from "node:process";

interface Case {
  name: string;
  failed: boolean;
  skipped: boolean;
}

function cases(xml: string): Case[] {
  const out: Case[] = [];
  const re = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const m of xml.matchAll(re)) {
    const attrs = m[1];
    const body = m[3] ?? "";
    const name = unescape(/\bname="([^"]*)"/.exec(attrs)?.[1] ?? "");
    const cls = unescape(/\bclassname="([^"]*)"/.exec(attrs)?.[1] ?? "");
    out.push({
      name: `${cls} ${name}`,
      failed: /<(failure|error)\b/.test(body),
      skipped: /<skipped\b/.test(body),
    });
  }
  return out;
}

function unescape(s: string): string {
  return s.replace(/&gt;/g, ">").replace(/&lt;/g, "<").replace(/&quot;/g, '"').replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

// Deno reports each describe() as a test case too; count only leaves.
function leaves(all: Case[]): Case[] {
  const bare = all.map((c) => c.name.slice(c.name.indexOf(" ") + 1));
  return all.filter((_, i) => !bare.some((other, j) => j !== i && other.startsWith(bare[i] + " > ")));
}

const args = process.argv.slice(2);
const runnerStatus = Number(args.pop());
let passed = 0, failed = 0, skipped = 0;
for (const arg of args) {
  const [path, state] = [arg.slice(0, arg.lastIndexOf(":")), arg.slice(arg.lastIndexOf(":") + 1)];
  if (state !== "ok") {
    console.error(`summary: no report at ${path}`);
    failed++;
    continue;
  }
  for (const c of leaves(cases(readFileSync(path, "utf8")))) {
    if (c.failed) {
      failed++;
      console.error(`FAILED: ${c.name}`);
    } else if (c.skipped) skipped++;
    else passed++;
  }
}
// A runner can fail without a failed case (a file that does not load); never report green then.
if (runnerStatus !== 0 && failed === 0) {
  console.error("summary: a test runner failed without a failed test case (see its output above)");
  failed++;
}
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 ? 1 : 0);
