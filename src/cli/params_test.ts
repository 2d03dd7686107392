import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { OptionError } from "../core/errors.ts";
import { describeParam, params, paramValuesFromArgv, proxyBuildArgs } from "./params.ts";

test("`describeParam()` derives the flag, kind, description, default and choices", () => {
  assert.deepEqual(describeParam("appVersion", z.string().default("dev").describe("app version")), {
    key: "appVersion",
    flag: "app-version",
    kind: "string",
    description: "app version",
    defaultText: '"dev"',
    required: false,
  });
  assert.deepEqual(describeParam("port", z.number().int().describe("port").optional()), {
    key: "port",
    flag: "port",
    kind: "number",
    description: "port",
    required: false,
  });
  assert.equal(describeParam("debug", z.boolean()).kind, "boolean");
  assert.equal(describeParam("debug", z.boolean()).required, true);
  assert.equal(describeParam("tags", z.array(z.string()).default([])).kind, "list");
  assert.deepEqual(describeParam("level", z.enum(["low", "high"])).choices, ["low", "high"]);
});

test("`describeParam()` rejects keys that cannot be flags", () => {
  assert.throws(() => describeParam("has space", z.string()), OptionError);
  assert.throws(() => describeParam("1st", z.string()), OptionError);
  assert.throws(() => describeParam("a.b", z.string()), /like appVersion, app-version or NODE_VERSION/);
});

test("Dockerfile ARG names are parameter names; their flags are kebab-case", () => {
  assert.equal(describeParam("NODE_VERSION", z.string()).flag, "node-version");
  assert.equal(describeParam("http_proxy", z.string()).flag, "http-proxy");
  assert.equal(describeParam("my_argName", z.string()).flag, "my-arg-name");
  assert.equal(describeParam("_private", z.string()).flag, "private");
  assert.equal(describeParam("GOOS", z.string()).flag, "goos");
  const specs = [describeParam("NODE_VERSION", z.string()), describeParam("nodeVersion2", z.string())];
  assert.deepEqual(paramValuesFromArgv(specs, ["--build-arg", "NODE_VERSION=20", "--node-version2", "x"]), {
    NODE_VERSION: "20",
    nodeVersion2: "x",
  });
  // Exactly the name: a differently cased one is another (undeclared) name.
  assert.deepEqual(paramValuesFromArgv(specs, ["--build-arg", "node_version=18"]), {});
});

test("`proxyBuildArgs()`: the predefined proxy args nobody declared, with their values", () => {
  const specs = [describeParam("https_proxy", z.string())];
  assert.deepEqual(
    proxyBuildArgs([
      "http_proxy=http://p:3128",
      "NO_PROXY=localhost",
      "https_proxy=x",
      "VERSION=1",
      "ftp_proxy",
    ], specs),
    { http_proxy: "http://p:3128", NO_PROXY: "localhost" },
  );
});

test("`paramValuesFromArgv()`: flags win over --build-arg; text becomes numbers and booleans", () => {
  const specs = [
    describeParam("appVersion", z.string()),
    describeParam("port", z.number()),
    describeParam("debug", z.boolean()),
    describeParam("tags", z.array(z.string())),
  ];
  const raw = paramValuesFromArgv(specs, [
    "--build-arg",
    "appVersion=1.0",
    "--app-version",
    "2.0",
    "--build-arg",
    "port=8080",
    "--build-arg=debug=true",
    "--tags",
    "a",
    "--tags",
    "b",
    "--target",
    "app",
    "--no-cache",
  ]);
  assert.deepEqual(raw, { appVersion: "2.0", port: 8080, debug: true, tags: ["a", "b"] });
  assert.deepEqual(paramValuesFromArgv(specs, ["--build-arg", "tags=x,y", "--debug"]), {
    tags: ["x", "y"],
    debug: true,
  });
  assert.deepEqual(paramValuesFromArgv(specs, ["--port", "eighty"]), { port: "eighty" });
  assert.throws(
    () => paramValuesFromArgv(specs, ["--app-version"]),
    /^UsageError: --app-version needs a value$/,
  );
});

test("`params()` in library mode: defaults, given values, and checked by the schema", () => {
  const shape = { appVersion: z.string().default("dev"), replicas: z.number().int().default(1) };
  assert.deepEqual(params(shape, { cli: false }), { appVersion: "dev", replicas: 1 });
  assert.deepEqual(params(shape, { cli: false, values: { replicas: 3 } }), {
    appVersion: "dev",
    replicas: 3,
  });
  assert.ok(Object.isFrozen(params(shape, { cli: false })));
  assert.throws(
    () => params(shape, { cli: false, values: { replicas: "three" } }),
    (err: unknown) =>
      err instanceof OptionError && /replicas/.test(err.message) && /number/.test(err.message),
  );
  assert.throws(
    () => params(shape, { cli: false, values: { nope: 1 } }),
    (err: unknown) => err instanceof OptionError && /nope/.test(err.message),
  );
});

test("`params()` in CLI mode reads the command line", () => {
  const p = params({
    cliTestVersion: z.string().default("dev"),
    cliTestCount: z.number().default(1),
    cliTestFlag: z.boolean().default(false),
  }, {
    cli: true,
    argv: ["--cli-test-version", "9", "--build-arg", "cliTestCount=4", "--cli-test-flag", "app"],
  });
  assert.deepEqual(p, { cliTestVersion: "9", cliTestCount: 4, cliTestFlag: true });
});

test("`params()` refuses names that clash with built-in flags or earlier params", () => {
  assert.throws(
    () => params({ target: z.string().default("x") }, { cli: true, argv: [] }),
    /clashes with the built-in flag --target/,
  );
  params({ cliTestOnce: z.string().default("x") }, { cli: true, argv: [] });
  assert.throws(
    () => params({ cliTestOnce: z.string().default("x") }, { cli: true, argv: [] }),
    /declared twice/,
  );
});

test("Dockerfile-style ARG names are parameter keys: BASE_TAG is --base-tag and --build-arg BASE_TAG", () => {
  const spec = describeParam("BASE_TAG", z.string().default("latest"));
  assert.deepEqual([spec.key, spec.flag], ["BASE_TAG", "base-tag"]);
  assert.equal(describeParam("TAG", z.string()).flag, "tag");
});
