import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import * as grpc from "@grpc/grpc-js";
import { readFileSyncRequest } from "./filesync_request.ts";
import { escapeNonAsciiHeaders, splitRepeatedHeaders } from "./repeated_metadata.ts";

function metadata(entries: [string, string][]): grpc.Metadata {
  const md = new grpc.Metadata();
  for (const [k, v] of entries) md.add(k, v);
  return md;
}

describe("readFileSyncRequest()", () => {
  test("reads the directory name and each repeated value as one pattern", () => {
    const r = readFileSyncRequest(metadata([
      ["dir-name", "context"],
      ["include-patterns", "src"],
      ["include-patterns", "a, b.txt"],
      ["exclude-patterns", "*.log"],
      ["followpaths", "Dockerfile"],
    ]));
    assert.deepEqual(r, {
      dirName: "context",
      include: ["src", "a, b.txt"],
      exclude: ["*.log"],
      followPaths: ["Dockerfile"],
    });
  });

  test("absent keys are undefined, not empty lists", () => {
    assert.deepEqual(readFileSyncRequest(metadata([])), {
      dirName: "",
      include: undefined,
      exclude: undefined,
      followPaths: undefined,
    });
  });

  test("<key>-encoded values are URL-query-unescaped (+ is a space), a bad escape gives an empty pattern", () => {
    const r = readFileSyncRequest(metadata([
      ["exclude-patterns", "caf%C3%A9+%2A.txt"],
      ["exclude-patterns", "100%"],
      ["exclude-patterns-encoded", "true"],
      ["include-patterns", "caf%C3%A9"],
      ["include-patterns-encoded", "0"],
    ]));
    assert.deepEqual(r.exclude, ["café *.txt", ""]);
    assert.deepEqual(r.include, ["caf%C3%A9"]);
  });
});

describe("splitRepeatedHeaders()", () => {
  test("a header sent several times becomes the list of its values, in order", () => {
    const headers: Record<string, string | string[] | undefined> = {
      ":path": "/moby.filesync.v1.FileSync/DiffCopy",
      "exclude-patterns": "a, b, c",
      "dir-name": "ctx",
    };
    splitRepeatedHeaders(headers, [
      ":path",
      "/moby.filesync.v1.FileSync/DiffCopy",
      "exclude-patterns",
      "a, b",
      "Exclude-Patterns",
      "c",
      "dir-name",
      "ctx",
    ]);
    assert.deepEqual(headers, {
      ":path": "/moby.filesync.v1.FileSync/DiffCopy",
      "exclude-patterns": ["a, b", "c"],
      "dir-name": "ctx",
    });
  });

  test("without raw headers nothing changes", () => {
    const headers = { "exclude-patterns": "a, b" };
    splitRepeatedHeaders(headers, undefined);
    assert.deepEqual(headers, { "exclude-patterns": "a, b" });
  });
});

describe("escapeNonAsciiHeaders()", () => {
  test("raw UTF-8 (read as Latin-1) is escaped with a -encoded flag, and reads back through grpc-js", () => {
    const latin1 = Buffer.from("café/ü *", "utf8").toString("latin1");
    const headers: Record<string, string | string[] | undefined> = {
      "include-patterns": [latin1, "plain"],
      "dir-name": "ctx",
      "x-bin": "AAA=",
    };
    escapeNonAsciiHeaders(headers);
    assert.deepEqual(headers, {
      "include-patterns": ["caf%C3%A9%2F%C3%BC+%2A", "plain"],
      "include-patterns-encoded": "1",
      "dir-name": "ctx",
      "x-bin": "AAA=",
    });
    const md = grpc.Metadata.fromHttp2Headers(headers as Record<string, string | string[]>);
    assert.deepEqual(readFileSyncRequest(md).include, ["café/ü *", "plain"]);
  });

  test("values that are already escaped, or ASCII, are left alone", () => {
    const headers = { "exclude-patterns": "caf%C3%A9", "exclude-patterns-encoded": "1", "a": "b c" };
    escapeNonAsciiHeaders(headers);
    assert.deepEqual(headers, {
      "exclude-patterns": "caf%C3%A9",
      "exclude-patterns-encoded": "1",
      "a": "b c",
    });
  });
});
