// One file, several targets: test, lint and the image share their steps (and the engine's cache).
//   deno run -P build.ts test lint image        bun build.ts --list
import { build, image, local } from "@drydock/core";

const src = local("src");
const base = image("busybox:latest").workdir("/app").copy(src, ".", ".");

// `test` and `lint` only have to succeed; nothing is exported.
const test = base.run("sh ./test.sh", { name: "run the tests" });
const lint = base.run("! grep -n '[[:space:]]$' *.sh", { name: "no trailing whitespace" });
const app = base.config({ cmd: ["sh", "/app/app.sh"] });

await build({
  test: { state: test, description: "run the tests" },
  lint: { state: lint, description: "check the sources" },
  image: { state: app, image: "drydock-example-targets:latest", description: "the app image" },
}, { default: ["test", "lint", "image"] });
