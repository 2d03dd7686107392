// The LLB options added after BuildKit 0.13 on real engines: each works on Docker 28.5 (BuildKit 0.25)
// where the engine has its cap, and each is refused by name, with its build.ts line, where it has not.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildTargets,
  CapabilityError,
  git,
  http,
  image,
  local,
  scratch,
  secret,
  type State,
} from "../../mod.ts";
import { dk20, dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { type GitFixture, gitFixture } from "../support/git_fixture.ts";
import { fetchManifest, registry } from "../support/registry.ts";

const AUTH = "Bearer drydock-newer-features";
let repo: GitFixture;
let ctx: string;
let out: string;
let commit: string;

before(async () => {
  repo = await gitFixture({ authorization: AUTH });
  writeFileSync(join(repo.root, "file.txt"), "served\n");
  commit = execFileSync("git", ["-C", join(repo.root, "repo.git"), "rev-parse", "v1^{commit}"], {
    encoding: "utf8",
  })
    .trim();
  ctx = mkdtempSync(join(tmpdir(), "drydock-newer-"));
  writeFileSync(join(ctx, "data.txt"), "contents\n");
  writeFileSync(join(ctx, "keep.json"), "{}\n");
  out = mkdtempSync(join(tmpdir(), "drydock-newer-out-"));
});

after(async () => {
  await repo.close();
  rmSync(ctx, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

async function exported(engine: TestEngine, state: State): Promise<string> {
  const dest = join(out, unique(engine.name));
  await buildTargets({ t: { state, output: { type: "local", dest } } }, { host: engine.host });
  return dest;
}

const read = (dir: string, f: string) => readFileSync(join(dir, f), "utf8");
const gitAuth = () => ({ authHeaderSecret: secret("newer-git-auth", { value: AUTH }) });

describe("newer LLB options where the engine has their caps (Docker 28.5)", () => {
  const engine = dk28;
  const skip = skipWithout(engine, "Docker 28.5 (containerd store)");

  test(
    "symlink() makes a link; run({ validExitCodes }) accepts the listed codes only",
    { skip },
    async () => {
      const salt = unique("exit");
      const state = scratch().mkdir("/d").symlink("../target", "/d/link").copy(
        image("busybox").run(`echo ${salt} > /ran; exit 3`, { validExitCodes: [0, 3] }),
        "/ran",
        "/ran",
      );
      const dir = await exported(engine!, state);
      assert.ok(lstatSync(join(dir, "d/link")).isSymbolicLink());
      assert.equal(readlinkSync(join(dir, "d/link")), "../target");
      assert.equal(read(dir, "ran"), `${salt}\n`);
      await assert.rejects(
        exported(engine!, image("busybox").run(`echo ${salt}; exit 4`, { validExitCodes: [0, 3] })),
        /exit code: 4/,
      );
    },
  );

  test(
    "copy({ alwaysReplaceExistingDestPaths }) replaces a file where a directory goes",
    { skip },
    async () => {
      const base = image("busybox").run(`mkdir -p /t && echo ${unique("f")} > /t/x`);
      const dirs = scratch().mkdir("/s/x").mkfile("/s/x/in.txt", "in\n");
      const copy = (replace: boolean) =>
        scratch().copy(
          base.copy(dirs, "/s", "/t/", { alwaysReplaceExistingDestPaths: replace }),
          "/t",
          "/",
        );
      assert.equal(read(await exported(engine!, copy(true)), "x/in.txt"), "in\n");
      await assert.rejects(exported(engine!, copy(false)));
    },
  );

  test("git({ checksum, skipSubmodules }) pins the commit; a wrong one fails", { skip }, async () => {
    const dir = await exported(
      engine!,
      git(repo.url, { ref: "v1", checksum: commit, skipSubmodules: true, ...gitAuth() }),
    );
    assert.equal(read(dir, "top.txt"), "top\n");
    await assert.rejects(
      exported(engine!, git(repo.url, { ref: "v1", checksum: "0".repeat(40), ...gitAuth() })),
      /0{40}|checksum|expected/i,
    );
  });

  test(
    "http({ headers, authHeaderSecret }) sends the headers and the secret as Authorization",
    { skip },
    async () => {
      const auth = secret("newer-http-auth", { value: AUTH });
      const ua = unique("drydock-test-agent");
      const dir = await exported(
        engine!,
        http(`${repo.server.url}/file.txt`, {
          headers: { accept: "text/plain", "user-agent": ua },
          authHeaderSecret: auth,
        }),
      );
      assert.equal(read(dir, "file.txt"), "served\n");
      const sent = repo.server.headers.find((h) => h["user-agent"] === ua);
      assert.ok(sent, "the engine sent our user-agent");
      assert.equal(sent.accept, "text/plain");
      assert.equal(sent.authorization, AUTH);
    },
  );

  test(
    "image({ checksum }) pins the image; a wrong digest fails",
    { skip: registry ? skip : "no registry" },
    async () => {
      const ref = `${registry}/busybox:latest`;
      const digest = (await fetchManifest(registry!, "busybox", "latest")).digest!;
      const pinned = scratch().copy(image(ref, { checksum: digest }), "/bin/busybox", "/busybox");
      assert.ok(lstatSync(join(await exported(engine!, pinned), "busybox")).isFile());
      const wrong = scratch().copy(
        image(ref, { checksum: `sha256:${"1".repeat(64)}` }),
        "/bin/busybox",
        "/busybox",
      );
      await assert.rejects(exported(engine!, wrong), /1{64}|checksum|digest/i);
    },
  );

  test("local({ metadataOnly }) sends contents only for the exceptions", { skip }, async () => {
    const src = local(ctx, { metadataOnly: { except: ["*.json"] }, dockerignore: false });
    const dir = await exported(engine!, scratch().copy(src, ".", "/"));
    assert.equal(read(dir, "keep.json"), "{}\n", "an exception keeps its contents");
    // The engine keeps the others' stat records in one metadata file instead of the files.
    assert.throws(() => lstatSync(join(dir, "data.txt")));
    assert.ok(readFileSync(join(dir, ".fsutil-metadata")).includes("data.txt"));
  });

  test("run({ devices }): an optional CDI device the engine lacks is skipped", { skip }, async () => {
    const dir = await exported(
      engine!,
      image("busybox").run(`echo ${unique("cdi")} > /ok`, {
        devices: [{ name: "drydock.test/none=0", optional: true }],
      })
        .dir("/"),
    );
    assert.ok(read(dir, "ok").startsWith("cdi-"));
  });

  test(
    "a symbolic chmod and requiredPaths need caps BuildKit 0.25 lacks: refused by name",
    { skip },
    async () => {
      const line = Number(/:(\d+):\d+\)?$/.exec(new Error().stack!.split("\n")[1])![1]) + 1;
      const state = scratch().copy(image("busybox"), "/bin", "/b", {
        chmod: "u+x",
        include: ["sh"],
        requiredPaths: ["sh"],
      });
      await assert.rejects(exported(engine!, state), (e: unknown) => {
        assert.ok(e instanceof CapabilityError, String(e));
        assert.match(
          e.message,
          new RegExp(`chmod.*newer_features_test\\.ts:${line}.*"file\\.copy\\.modestring"`),
        );
        assert.match(e.message, /copy\(\{ requiredPaths \}\).*"file\.copy\.requiredpaths"/);
        return true;
      });
    },
  );
});

/** Every new option in one build; each is refused before anything runs. */
function refusedOn(engine: TestEngine | undefined, label: string) {
  test(
    `every newer option is refused by name and line (${label})`,
    { skip: skipWithout(engine, label) },
    async () => {
      const state = image("busybox").symlink("a", "/b").run("true", {
        validExitCodes: [0, 1],
        devices: ["x.com/y=z"],
      })
        .copy(local(ctx, { metadataOnly: true, dockerignore: false }), ".", "/o/", {
          alwaysReplaceExistingDestPaths: true,
        })
        .copy(git(repo.url, { checksum: commit, skipSubmodules: true }), ".", "/g/")
        .copy(http(`${repo.server.url}/file.txt`, { headers: { accept: "*/*" } }), ".", "/h/");
      await assert.rejects(exported(engine!, state), (e: unknown) => {
        assert.ok(e instanceof CapabilityError, String(e));
        for (
          const [feature, cap] of [
            ["symlink()", "file.symlink.create"],
            ["run({ validExitCodes })", "exec.validexitcode"],
            ["run({ devices })", "exec.meta.cdi"],
            ["local({ metadataOnly })", "source.local.metadatatransfer"],
            ["copy({ alwaysReplaceExistingDestPaths })", "file.copy.alwaysreplaceexistingdestpaths"],
            ["git({ checksum })", "source.git.checksum"],
            ["git({ skipSubmodules })", "source.git.skipsubmodules"],
            ["http({ headers })", "source.http.header"],
          ]
        ) {
          const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          assert.match(
            e.message,
            new RegExp(`^${esc(feature)} \\(at [^)]*newer_features_test\\.ts:\\d+:\\d+\\) needs`, "m"),
          );
          assert.match(e.message, new RegExp(`"${esc(cap)}"`));
        }
        return true;
      });
    },
  );
}

describe("newer LLB options on engines without their caps", () => {
  refusedOn(dk26c, "Docker 26.1, containerd store");
  refusedOn(dk20, "Docker 20.10");
});
