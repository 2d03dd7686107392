// The package as users get it: packed from this checkout, served by a local registry as if published, and
// installed into fresh folders outside the checkout with each runtime's own commands (the README's), then
// built on a real engine. Runs once, in the Deno pass (it installs from the npm registry; slow, not per runtime).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dk26c, skipWithout } from "../support/engines.ts";
import { startLocalRegistry } from "./local_registry.ts";
import { explain, PACKAGE, ROOT, run } from "./support.ts";

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
const NAME: string = PACKAGE.name;

// A user's mistakes the types must catch: a misspelled option and a cache mount given as a secret.
const BAD_TS = `import { build, cache, image } from "${NAME}";
const a = image("busybox:latest").run("true", { netwrok: "host" });
const b = image("busybox:latest").run("true", { secrets: { TOKEN: cache("x") } });
await build({ a, b });
`;
const BUILD_MJS = `import { build, image, params, z } from "${NAME}";
const p = params({ greeting: z.string().default("hello from node") });
const app = image("busybox:latest").run(\`echo "\${p.greeting}" > /greeting.txt\`);
await build({ app: { state: app.dir("/"), output: { type: "local", dest: "out-mjs" } } });
`;

function assertTypeErrors(r: { code: number | null; stdout: string; stderr: string; command: string }) {
  const text = r.stdout + r.stderr;
  assert.notEqual(r.code, 0, `${r.command} passed a file with type errors`);
  assert.match(text, /'netwrok' does not exist in type 'RunOptions'\. Did you mean to write 'network'\?/);
  assert.match(text, /Type 'CacheMountSpec' is not assignable to type 'Secret \| SecretEnvOptions'/);
}

test("installed from the packed tarball, drydock builds on Deno, Bun and Node", {
  skip: !isDeno ? "runs once, in the Deno pass" : skipWithout(dk26c, "dk26c"),
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "drydock-install-"));
  let registry: Awaited<ReturnType<typeof startLocalRegistry>> | undefined;
  try {
    const packed = await run(ROOT, "npm", ["pack", "--pack-destination", dir, "--json"], {});
    assert.equal(packed.code, 0, explain(packed));
    const info = JSON.parse(packed.stdout.slice(packed.stdout.indexOf("[")))[0];
    const files: string[] = info.files.map((f: { path: string }) => f.path);
    t.diagnostic(
      `package: ${info.entryCount} files, ${info.size} bytes packed, ${info.unpackedSize} unpacked`,
    );
    await t.test("the tarball ships the build, the sources for Bun and a LICENSE; no tests, fixtures or bench", () => {
      assert.ok(
        files.includes("LICENSE") && files.includes("dist/mod.js") && files.includes("dist/mod.d.ts"),
      );
      assert.ok(files.includes("dist/src/cli/bin.js") && files.includes("mod.ts"));
      const unwanted = files.filter((f) =>
        /(_test\.|_test_util\.|\/_testing\.|^tests\/|fixtures|^bench\/|^\.ci)/.test(f)
      );
      assert.deepEqual(unwanted, []);
    });

    registry = await startLocalRegistry(join(dir, info.filename), PACKAGE);
    const env = {
      NPM_CONFIG_REGISTRY: registry.url,
      npm_config_cache: join(dir, "npm-cache"),
      DENO_DIR: join(dir, "deno-dir"),
      BUN_INSTALL_CACHE_DIR: join(dir, "bun-cache"),
      DOCKER_HOST: `unix://${dk26c!.socket}`,
      BUILDKIT_HOST: undefined,
      DOCKER_CONFIG: join(dir, "docker-config"),
    };
    const project = (name: string) => {
      const p = join(dir, name);
      mkdirSync(p);
      return p;
    };
    const ok = async (cwd: string, cmd: string, args: string[]) => {
      const r = await run(cwd, cmd, args, env);
      assert.equal(r.code, 0, explain(r));
      return r;
    };

    await t.test("README, before the publish: npm install the tarball, deno run npm:… init, deno task build, bun", async () => {
      const p = project("drydock-install-readme");
      await ok(p, "npm", ["install", "--no-audit", "--no-fund", join(dir, info.filename)]);
      const init = await ok(p, "deno", ["run", "-A", `npm:${NAME}`, "init"]);
      assert.match(
        init.stdout,
        /wrote build\.ts, deno\.json, \.dockerignore in .* \(kept the existing package\.json\)/,
      );
      const built = await ok(p, "deno", ["task", "build"]);
      assert.match(built.stderr + built.stdout, /app: image drydock-install-readme:latest/);
      await ok(p, "bun", ["build.ts", "--target", "files"]);
      assert.match(readFileSync(join(p, "out", "files.txt"), "utf8"), /^deno\.json$/m);
    });

    await t.test("Deno: deno run -A npm:… init, deno install, deno task build (no -A), deno run -P", async () => {
      const p = project("drydock-install-deno");
      const init = await ok(p, "deno", ["run", "-A", `npm:${NAME}`, "init"]);
      assert.match(init.stdout, /wrote build\.ts, deno\.json, package\.json, \.dockerignore in /);
      await ok(p, "deno", ["install"]);
      const built = await ok(p, "deno", ["task", "build"]);
      assert.match(
        built.stderr + built.stdout,
        /app: image drydock-install-deno:latest \(sha256:[0-9a-f]{64}\)/,
      );
      await ok(p, "deno", ["run", "-P", "build.ts", "--target", "files"]);
      assert.match(readFileSync(join(p, "out", "files.txt"), "utf8"), /^build\.ts$/m);
      // init refuses to overwrite, and says so.
      const refused = await run(p, "node", ["node_modules/" + NAME + "/dist/src/cli/bin.js", "init"], env);
      assert.equal(refused.code, 2, explain(refused));
      assert.match(refused.stderr, /already exist in .*; nothing written/);
    });

    await t.test("Bun: bunx … init, bun install, bun build.ts", async () => {
      const p = project("drydock-install-bun");
      const init = await ok(p, "bunx", [NAME, "init"]);
      assert.match(init.stdout, /wrote build\.ts, deno\.json, package\.json, \.dockerignore/);
      await ok(p, "bun", ["install"]);
      const built = await ok(p, "bun", ["build.ts", "app", "files"]);
      assert.match(built.stderr, /app: image drydock-install-bun:latest/);
      assert.ok(existsSync(join(p, "out", "files.txt")));
    });

    await t.test("Node: npx … init, npm install; build.mjs, build.ts through tsx, the bin; tsc; Deno with package.json", async () => {
      const p = project("drydock-install-node");
      await ok(p, "npx", ["--yes", NAME, "init"]);
      await ok(p, "npm", ["install", "--no-audit", "--no-fund"]);
      writeFileSync(join(p, "build.mjs"), BUILD_MJS);
      await ok(p, "node", ["build.mjs", "--greeting", "hi from build.mjs"]);
      assert.equal(readFileSync(join(p, "out-mjs", "greeting.txt"), "utf8"), "hi from build.mjs\n");

      const noLoader = await run(p, "npx", ["drydock", "build.ts"], env);
      assert.equal(noLoader.code, 2, explain(noLoader));
      assert.match(
        noLoader.stderr,
        /cannot run .*build\.ts \(TypeScript\)\. Use: deno run -P build\.ts, bun build\.ts, or install tsx/,
      );

      await ok(p, "npm", ["install", "--no-audit", "--no-fund", "-D", "tsx@4"]);
      const viaTsx = await ok(p, "npx", ["tsx", "build.ts", "--target", "app"]);
      assert.match(viaTsx.stderr, /app: image drydock-install-node:latest/);
      const viaBin = await ok(p, "npx", ["drydock", "build.ts", "--target", "files"]);
      assert.match(viaBin.stderr, /files: files in /);

      // Deno in a project whose package.json npm installed.
      rmSync(join(p, "out"), { recursive: true });
      await ok(p, "deno", ["run", "-A", "build.ts", "files"]);
      assert.ok(existsSync(join(p, "out", "files.txt")));

      // tsc of the user's own files: build.ts passes, the mistakes are the types' own errors.
      const tsc = join(ROOT, "node_modules", ".bin", "tsc");
      const options = { module: "NodeNext", target: "ES2022", strict: true, noEmit: true };
      writeFileSync(
        join(p, "tsconfig.json"),
        JSON.stringify({ compilerOptions: options, include: ["build.ts"] }),
      );
      await ok(p, tsc, ["-p", "."]);
      writeFileSync(join(p, "bad.ts"), BAD_TS);
      writeFileSync(
        join(p, "tsconfig.json"),
        JSON.stringify({ compilerOptions: options, include: ["*.ts"] }),
      );
      assertTypeErrors(await run(p, tsc, ["-p", "."], env));
    });

    await t.test("Deno: a deno.json import map npm: entry, no package.json; deno check reports the types' errors", async () => {
      const p = project("drydock-install-deno-map");
      writeFileSync(
        join(p, "deno.json"),
        JSON.stringify({ imports: { [NAME]: `npm:${NAME}@^${PACKAGE.version}` } }),
      );
      writeFileSync(join(p, "build.mjs"), BUILD_MJS);
      await ok(p, "deno", ["run", "-A", "build.mjs", "--greeting", "hi from deno"]);
      assert.equal(readFileSync(join(p, "out-mjs", "greeting.txt"), "utf8"), "hi from deno\n");
      writeFileSync(join(p, "bad.ts"), BAD_TS);
      assertTypeErrors(await run(p, "deno", ["check", "bad.ts"], env));
    });
  } finally {
    await registry?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
