import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { callerLocation, observeCallerLocations, parseStackFrame } from "./location.ts";

test("parseStackFrame() reads user frames and skips runtime-internal ones", () => {
  const cases: [string, ReturnType<typeof parseStackFrame>][] = [
    ["    at main (file:///src/build.ts:3:14)", { file: "/src/build.ts", line: 3, column: 14 }],
    ["    at file:///src/build.ts:3:14", { file: "/src/build.ts", line: 3, column: 14 }],
    ["    at async file:///src/build.ts:5:1", { file: "/src/build.ts", line: 5, column: 1 }],
    ["    at <anonymous> (/src/my build.ts:1:2)", { file: "/src/my build.ts", line: 1, column: 2 }],
    ["    at /src/build.ts:7:8", { file: "/src/build.ts", line: 7, column: 8 }],
    // Deno's internal modules: a "/" inside them is no absolute path.
    ["    at op (ext:core/01_core.js:12:3)", undefined],
    ["    at ext:deno_node/testing.ts:1:21231", undefined],
    ["    at processTicksAndRejections (native:7:39)", undefined],
  ];
  for (const [line, want] of cases) assert.deepEqual(parseStackFrame(line), want, line);
});

test("callerLocation() finds the calling test's line and column", () => {
  const where = callerLocation();
  assert.equal(where?.file, fileURLToPath(import.meta.url));
  assert.equal(where?.line, 22);
  assert.equal(where?.column, 17);
});

test("callerLocation() leaves the runtime's stack trace settings as they were", () => {
  const E = Error as ErrorConstructor & { prepareStackTrace?: unknown };
  const [limit, original] = [Error.stackTraceLimit, E.prepareStackTrace];
  const custom = (_e: Error, _sites: unknown[]) => "custom";
  E.prepareStackTrace = custom;
  try {
    callerLocation();
    assert.equal(E.prepareStackTrace, custom);
    assert.equal(Error.stackTraceLimit, limit);
  } finally {
    E.prepareStackTrace = original;
  }
});

test("observeCallerLocations() sees every location callerLocation() finds, until it is removed", () => {
  const seen: number[] = [];
  observeCallerLocations((loc) => seen.push(loc.line));
  try {
    callerLocation();
  } finally {
    observeCallerLocations(undefined);
  }
  callerLocation();
  assert.deepEqual(seen, [46]);
});

test("callerLocation(api) takes the frame that called api, and walks the stack when api is not on it", () => {
  // Never `return f()`: JavaScriptCore (Bun) drops the frame of a function whose last act is a call.
  type Found = { where: ReturnType<typeof callerLocation> };
  function api(): Found {
    return { where: callerLocation(api) };
  }
  const unrelated = () => undefined;
  function other(): Found {
    return { where: callerLocation(unrelated) };
  }
  const direct = api().where;
  const walked = other().where;
  assert.deepEqual([direct?.line, direct?.column], [64, 18]);
  assert.deepEqual([walked?.line, walked?.column], [62, 21]);
});
