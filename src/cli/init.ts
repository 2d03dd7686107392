/**
 * `drydock init`: the files a new project starts from. A build.ts, a deno.json
 * with a permission set and tasks (so `deno task build` needs no `-A`), a
 * package.json for Bun and Node, and a .dockerignore for the build context.
 *
 * @module
 */
import { existsSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { UsageError } from "./usage_error.ts";
import { VERSION } from "./version.ts";

/** The package users install. */
export const PACKAGE_NAME = "@drydock/core";

// What a build needs on Deno: env (engine address, Docker config), read/write (context, outputs, sockets),
// net (the engine), sys (hostname), run (ssh-agent for ssh keys, Docker credential helpers).
const PERMISSIONS = {
  env: true,
  read: true,
  write: true,
  net: true,
  sys: true,
  run: [
    "ssh-agent",
    "ssh-add",
    "docker-credential-desktop",
    "docker-credential-osxkeychain",
    "docker-credential-secretservice",
    "docker-credential-pass",
    "docker-credential-wincred",
    "docker-credential-ecr-login",
    "docker-credential-gcloud",
  ],
};

/**
 * The files `init` writes, by name, for a project in a folder called `folder`.
 *
 * @example
 * ```ts
 * import { initFiles } from "./init.ts";
 * Object.keys(initFiles("myapp")); // ["build.ts", "deno.json", "package.json", ".dockerignore"]
 * ```
 */
export function initFiles(folder: string): Record<string, string> {
  const name = imageName(folder);
  const buildTs = `// The build, in TypeScript. Run it with one of:
//   deno task build            (or: deno run -P build.ts --target app)
//   bun build.ts
//   npx tsx build.ts           (Node 20+, with tsx installed)
// \`--help\` lists targets and flags; \`--print\` shows the LLB without building.
import { build, image, local } from "${PACKAGE_NAME}";

// This folder, minus what .dockerignore lists; sent to the engine only when a step needs it.
const context = local(".");

const app = image("busybox:latest")
  .workdir("/app")
  .copy(context, ".", ".")
  .run("ls -A > files.txt")
  .config({ cmd: ["cat", "/app/files.txt"] });

await build({
  app: { state: app, image: "${name}:latest", description: "the app image" },
  files: { state: app.dir("/app"), output: { type: "local", dest: "out" }, description: "the app's files, in ./out" },
}, { default: "app" });
`;
  const denoJson = {
    tasks: { build: "deno run -P build.ts" },
    permissions: { default: PERMISSIONS },
  };
  const packageJson = {
    name,
    private: true,
    type: "module",
    scripts: { build: "bun build.ts" },
    dependencies: { [PACKAGE_NAME]: `^${VERSION}` },
  };
  const dockerignore = ["node_modules", ".git", "out", "*.log", ""].join("\n");
  return {
    "build.ts": buildTs,
    "deno.json": JSON.stringify(denoJson, null, 2) + "\n",
    "package.json": JSON.stringify(packageJson, null, 2) + "\n",
    ".dockerignore": dockerignore,
  };
}

/**
 * Writes the `init` files into `dir` and returns their names. Writes nothing
 * when any of them exists already, except package.json: a project that has
 * one (e.g. from `npm install @drydock/core`) keeps it as it is.
 *
 * @example
 * ```ts
 * import { mkdtempSync, rmSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { init } from "./init.ts";
 * const dir = mkdtempSync(join(tmpdir(), "init-"));
 * init(dir); // ["build.ts", "deno.json", "package.json", ".dockerignore"]
 * rmSync(dir, { recursive: true });
 * ```
 */
export function init(dir: string): string[] {
  const files = initFiles(basename(dir));
  if (existsSync(join(dir, "package.json"))) delete files["package.json"];
  const existing = Object.keys(files).filter((name) => existsSync(join(dir, name)));
  if (existing.length > 0) {
    const verb = existing.length === 1 ? "exists" : "exist";
    throw new UsageError(`init: ${existing.join(", ")} already ${verb} in ${dir}; nothing written`);
  }
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text, { flag: "wx" });
  return Object.keys(files);
}

// A folder name as an image repository name: lowercase, [a-z0-9._-], never empty.
function imageName(folder: string): string {
  const name = folder.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+|[._-]+$/g, "");
  return name || "app";
}
