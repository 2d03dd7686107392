import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseSecretSpec } from "./secret_flag.ts";

describe("parseSecretSpec()", () => {
  const cases: [string, ReturnType<typeof parseSecretSpec>][] = [
    ["id=npm,src=./npm.txt", { id: "npm", source: { file: "/work/npm.txt" } }],
    ["id=npm,source=/etc/npm", { id: "npm", source: { file: "/etc/npm" } }],
    ["id=npm,env=NPM_TOKEN", { id: "npm", source: { env: "NPM_TOKEN" } }],
    ["type=env,id=TOKEN", { id: "TOKEN", source: { env: "TOKEN" } }],
    ["type=env,id=tok,src=GH_TOKEN", { id: "tok", source: { env: "GH_TOKEN" } }],
    ["type=file,id=a,src=a.txt", { id: "a", source: { file: "/work/a.txt" } }],
    ["id=bare", { id: "bare", source: undefined }],
    ["ID=upper,SRC=x", { id: "upper", source: { file: "/work/x" } }],
    ['id=q,"src=a,b.txt"', { id: "q", source: { file: "/work/a,b.txt" } }],
    ['id=q,"src=say ""hi"""', { id: "q", source: { file: '/work/say "hi"' } }],
    ["id=eq,src=a=b", { id: "eq", source: { file: "/work/a=b" } }],
  ];
  for (const [spec, want] of cases) {
    test(`parses ${spec}`, () => assert.deepEqual(parseSecretSpec(spec, "/work"), want));
  }

  const bad: [string, RegExp][] = [
    ["src=x", /^--secret "src=x": needs id=NAME$/],
    ["id=a,foo=b", /unknown key "foo"/],
    ["id=a,type=ssh", /unsupported type "ssh"/],
    ["id=a,src=x,env=Y", /not both/],
    ["id=a,justtext", /"justtext" must be a key=value pair/],
    ["id=a,env=", /env= must not be empty/],
    ['id=a,"src=x', /unterminated quote/],
  ];
  for (const [spec, want] of bad) {
    test(`rejects ${spec}`, () =>
      assert.throws(() => parseSecretSpec(spec), (err: Error & { code?: string }) => {
        assert.equal(err.code, "E_SPEC");
        assert.match(err.message, want);
        return true;
      }));
  }
});
