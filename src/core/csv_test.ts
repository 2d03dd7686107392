import { test } from "node:test";
import assert from "node:assert/strict";
import { splitCsv } from "./csv.ts";

const fail = (why: string): never => {
  throw new Error(why);
};

test("`splitCsv()` splits on commas outside quotes and reads doubled quotes", () => {
  const cases: [string, string[]][] = [
    ["a", ["a"]],
    ["a,b", ["a", "b"]],
    ["a,,b", ["a", "", "b"]],
    ["a,", ["a", ""]],
    ["", [""]],
    ['type=image,"name=a:1,a:2",push', ["type=image", "name=a:1,a:2", "push"]],
    ['"say ""hi"""', ['say "hi"']],
    ['"",x', ["", "x"]],
    // A quote inside an unquoted field is kept as it is.
    ['src=a"b', ['src=a"b']],
  ];
  for (const [line, want] of cases) assert.deepEqual(splitCsv(line, fail), want, line);
});

test("`splitCsv()` names what is wrong with a malformed record", () => {
  assert.throws(() => splitCsv('"name=a', fail), /^Error: unterminated quote$/);
  assert.throws(() => splitCsv('"a"b,c', fail), /^Error: unexpected text after a closing quote$/);
});
