import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { type CliSpec, parseCli, UsageError } from "./args.ts";
import { describeParam } from "./params.ts";

const spec: CliSpec = { targets: ["app", "test", "dist"] };

function usageMessage(argv: string[], s = spec): string {
  try {
    parseCli(argv, s);
  } catch (err) {
    assert.ok(err instanceof UsageError, `expected a UsageError, got ${err}`);
    assert.ok(!err.message.includes("\n"), "usage errors are one line");
    return err.message;
  }
  assert.fail(`${argv.join(" ")} was accepted`);
}

test("`parseCli()` collects --target, -t and positional targets in order, without repeats", () => {
  const args = parseCli(["-t", "app", "--target=test", "dist", "app"], spec);
  assert.deepEqual(args.targets, ["app", "test", "dist"]);
});

test("`parseCli()` defaults: no targets, auto progress, nothing switched on", () => {
  assert.deepEqual(parseCli([], spec), {
    targets: [],
    list: false,
    help: false,
    version: false,
    dryRun: false,
    load: false,
    noCache: false,
    noPersist: false,
    buildArgs: {},
    outputs: [],
    push: false,
    platforms: [],
    cacheFrom: [],
    cacheTo: [],
    secrets: [],
    ssh: [],
    buildContexts: [],
    progress: "auto",
    nodes: [],
    tls: {},
    interactive: false,
    shellCommand: ["/bin/sh"],
  });
  assert.equal(parseCli([], spec).printLlb, undefined);
});

test("`parseCli()` reads the boolean flags", () => {
  const a = parseCli(
    ["--list", "--help", "--version", "--dry-run", "--no-cache", "--progress", "quiet"],
    spec,
  );
  assert.deepEqual([a.list, a.help, a.version, a.dryRun, a.noCache, a.progress], [
    true,
    true,
    true,
    true,
    true,
    "quiet",
  ]);
  assert.equal(parseCli(["-h"], spec).help, true);
});

test("an unknown flag names the closest valid one", () => {
  assert.equal(usageMessage(["--tagret", "app"]), "unknown flag --tagret; did you mean --target?");
  assert.equal(usageMessage(["--no-cahce"]), "unknown flag --no-cahce; did you mean --no-cache?");
  assert.equal(usageMessage(["--dryrun"]), "unknown flag --dryrun; did you mean --dry-run?");
  assert.equal(usageMessage(["--zzzzzzzz"]), "unknown flag --zzzzzzzz");
  assert.equal(usageMessage(["-x"]), "unknown flag -x");
});

test("an unknown flag can be closest to a declared parameter", () => {
  const params = [describeParam("appVersion", z.string().default("dev"))];
  assert.equal(
    usageMessage(["--app-verison", "1"], { ...spec, params }),
    "unknown flag --app-verison; did you mean --app-version?",
  );
  assert.deepEqual(parseCli(["--app-version", "1"], { ...spec, params }).targets, []);
});

test("missing and unwanted values are one-line errors", () => {
  assert.equal(usageMessage(["--target"]), "--target needs a value");
  assert.equal(usageMessage(["-t"]), "--target needs a value");
  assert.equal(usageMessage(["--list=yes"]), "--list does not take a value");
  assert.equal(usageMessage(["--host="]), "--host needs a value");
});

test("an unknown target names the closest one and lists them all", () => {
  assert.equal(
    usageMessage(["tset"]),
    'unknown target "tset"; did you mean "test"? (targets: app, test, dist)',
  );
  assert.equal(usageMessage(["-t", "zzzzzz"]), 'unknown target "zzzzzz" (targets: app, test, dist)');
});

test("--progress accepts only known modes", () => {
  assert.equal(
    usageMessage(["--progress=plian"]),
    '--progress must be one of auto, tty, plain, rawjson, quiet, not "plian"; did you mean plain?',
  );
});

test("--host and --builder: addresses go to host, names to a docker context", () => {
  assert.equal(parseCli(["--host", "tcp://h:1234"], spec).host, "tcp://h:1234");
  assert.equal(parseCli(["--builder", "unix:///x.sock"], spec).host, "unix:///x.sock");
  assert.equal(parseCli(["--builder", "/x.sock"], spec).host, "/x.sock");
  const named = parseCli(["--builder", "remote"], spec);
  assert.equal(named.builder, "remote");
  assert.equal(named.host, undefined);
  assert.equal(
    usageMessage(["--host", "tcp://h:1", "--builder", "x"]),
    "--host and --builder both choose the engine; give only one",
  );
});

test("TLS flags: file names are kept, cert and key go together", () => {
  const a = parseCli([
    "--tlscacert",
    "ca.pem",
    "--tlscert",
    "c.pem",
    "--tlskey",
    "k.pem",
    "--tls-server-name",
    "bk",
  ], spec);
  assert.deepEqual(a.tls, { caCert: "ca.pem", cert: "c.pem", key: "k.pem", serverName: "bk" });
  assert.equal(
    usageMessage(["--tlscert", "c.pem"]),
    "--tlscert and --tlskey go together: give both for mutual TLS, or neither",
  );
});

test("--build-arg must name a declared parameter", () => {
  const params = [describeParam("appVersion", z.string()), describeParam("debug", z.boolean())];
  parseCli(["--build-arg", "appVersion=1", "--build-arg", "app-version=2"], { ...spec, params });
  assert.equal(
    usageMessage(["--build-arg", "appVersoin=1"], { ...spec, params }),
    "--build-arg appVersoin: no such parameter; did you mean appVersion? (parameters: appVersion, debug)",
  );
  assert.equal(
    usageMessage(["--build-arg", "x=1"]),
    "--build-arg x: this build.ts declares no parameters (see params())",
  );
});

test("--build-arg of a predefined proxy arg needs no parameter and is passed on", () => {
  const a = parseCli(
    ["--build-arg", "http_proxy=http://proxy:3128", "--build-arg", "NO_PROXY=localhost"],
    spec,
  );
  assert.deepEqual(a.buildArgs, { http_proxy: "http://proxy:3128", NO_PROXY: "localhost" });
  assert.equal(
    usageMessage(["--build-arg", "https_proxy"]),
    "--build-arg https_proxy: expected https_proxy=VALUE",
  );
  const params = [describeParam("http_proxy", z.string())];
  assert.deepEqual(parseCli(["--build-arg", "http_proxy=x"], { ...spec, params }).buildArgs, {});
});

test("--print and --dot choose the LLB format, and exclude each other", () => {
  assert.equal(parseCli(["--print"], spec).printLlb, "json");
  assert.equal(parseCli(["--dot"], spec).printLlb, "dot");
  assert.equal(parseCli([], spec).printLlb, undefined);
  assert.equal(usageMessage(["--print", "--dot"]), "--print and --dot each print the LLB; give only one");
});

test("--secret and --ssh are collected in order", () => {
  const a = parseCli(["--secret", "id=a,src=a.txt", "--ssh", "default", "--secret=id=b,env=B"], spec);
  assert.deepEqual(a.secrets, ["id=a,src=a.txt", "id=b,env=B"]);
  assert.deepEqual(a.ssh, ["default"]);
});

test("output flags: -o, --push, --platform (comma lists), --cache-from/--cache-to, --metadata-file", () => {
  const a = parseCli([
    "-o",
    "type=local,dest=out",
    "--output=-",
    "--push",
    "--platform",
    "linux/amd64,linux/arm64",
    "--platform=linux/arm/v7",
    "--cache-from",
    "r/app:cache",
    "--cache-to",
    "type=inline",
    "--metadata-file",
    "meta.json",
  ], spec);
  assert.deepEqual(a.outputs, ["type=local,dest=out", "-"]);
  assert.equal(a.push, true);
  assert.deepEqual(a.platforms, ["linux/amd64", "linux/arm64", "linux/arm/v7"]);
  assert.deepEqual([a.cacheFrom, a.cacheTo, a.metadataFile], [["r/app:cache"], ["type=inline"], "meta.json"]);
  assert.equal(
    usageMessage(["--platform", "amd64"]),
    '--platform "amd64": must look like linux/amd64 or linux/arm64/v8',
  );
  assert.equal(usageMessage(["--metadata-file="]), "--metadata-file needs a value");
});

test("-i and --on-error shell ask for a shell on a failed step; --shell names a target built, --shell-command splits", () => {
  assert.equal(parseCli(["-i"], spec).interactive, true);
  assert.equal(parseCli(["--on-error", "shell"], spec).interactive, true);
  assert.equal(parseCli(["--on-error", "fail"], spec).interactive, false);
  assert.deepEqual(parseCli([], spec).shellCommand, ["/bin/sh"]);
  assert.deepEqual(parseCli(["--shell-command", "/bin/bash -l"], spec).shellCommand, ["/bin/bash", "-l"]);
  assert.equal(parseCli(["--shell", "app"], spec).shell, "app");
  assert.equal(parseCli(["app", "--shell", "app"], spec).shell, "app");
  assert.match(usageMessage(["--on-error", "retry"]), /--on-error must be fail or shell, not "retry"/);
  assert.match(usageMessage(["--shell", "ap"]), /--shell ap: no such target; did you mean "app"\?/);
  assert.match(
    usageMessage(["test", "--shell", "app"]),
    /--shell app: that target is not among the targets to build/,
  );
  assert.match(usageMessage(["--shell-command", " "]), /--shell-command needs a command/);
});
