import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { StatusResponse } from "../proto/moby_buildkit_v1.gen.ts";
import { DrydockError } from "../core/errors.ts";
import { SecretMasker } from "./secret_mask.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
const log = (msg: string, vertex = "sha256:a"): StatusResponse => ({
  vertexes: [],
  statuses: [],
  logs: [{ vertex, stream: 1n, msg: enc(msg) }],
  warnings: [],
});

/** Everything shown for a sequence of log chunks, step completion included. */
function shown(masker: SecretMasker, chunks: string[]): string {
  let out = "";
  for (const c of chunks) for (const l of masker.status(log(c)).logs ?? []) out += dec(l.msg);
  const done = masker.status({ vertexes: [{ digest: "sha256:a", completed: { seconds: 1n } }] });
  for (const l of done.logs ?? []) out += dec(l.msg);
  return out;
}

describe("SecretMasker", () => {
  test("masks every value, multi-line values line by line, and leaves short values alone", () => {
    const m = new SecretMasker(["hunter22", enc("line-one\nline-two\n"), "ab"]);
    assert.equal(m.text("pw=hunter22 and hunter22"), "pw=*** and ***");
    assert.equal(m.text("line-one\nline-two"), "***");
    assert.equal(m.text("only line-two here"), "only *** here");
    assert.equal(m.text("ab stays"), "ab stays");
  });

  test("a secret split across log chunks is still masked, and no text is lost", () => {
    const m = new SecretMasker(["s3cr3t-value"]);
    assert.equal(shown(m, ["token: s3cr", "3t-val", "ue done\n", "tail"]), "token: *** done\ntail");
    assert.equal(shown(new SecretMasker(["s3cr3t-value"]), ["a\nb s3cr3t-", "value\n"]), "a\nb ***\n");
  });

  test("step names, errors, warnings and error messages are masked", () => {
    const m = new SecretMasker(["hunter22"]);
    const s = m.status({
      vertexes: [{ digest: "sha256:a", name: "RUN echo hunter22", error: "hunter22: exit 1" }],
      statuses: [],
      logs: [],
      warnings: [{ vertex: "sha256:a", short: enc("saw hunter22"), detail: [enc("hunter22!")] }],
    });
    assert.equal(s.vertexes?.[0].name, "RUN echo ***");
    assert.equal(s.vertexes?.[0].error, "***: exit 1");
    assert.equal(dec(s.warnings?.[0].short), "saw ***");
    assert.equal(dec(s.warnings?.[0].detail?.[0]), "***!");
    const err = m.error(Object.assign(new Error("failed: hunter22"), { engineMessage: "hunter22" }));
    assert.equal(err.message, "failed: ***");
    assert.equal((err as unknown as { engineMessage: string }).engineMessage, "***");
  });

  test("a DrydockError's message is masked however it is rendered", () => {
    const err = new SecretMasker(["hunter22"]).error(
      new DrydockError("E_BUILD", (cwd) => `in ${cwd}: hunter22`),
    );
    assert.equal(err.message, "in undefined: ***");
    assert.equal(err.describe("/work"), "in /work: ***");
  });

  test("with no secrets, statuses pass through untouched", () => {
    const m = new SecretMasker([]);
    const s = log("hello");
    assert.equal(m.status(s), s);
    assert.equal(m.flush(), undefined);
  });

  test("held text is released by flush()", () => {
    const m = new SecretMasker(["s3cr3t-value"]);
    assert.equal(dec(m.status(log("no newline s3c")).logs?.[0]?.msg), "no ");
    assert.equal(dec(m.flush()?.logs?.[0].msg), "newline s3c");
  });
});
