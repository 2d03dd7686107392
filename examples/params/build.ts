// Parameters and conditional steps: typed `ARG`s, as flags (`--app-version 1.2 --debug`) or `--build-arg`.
//   deno run -P build.ts --app-version 1.2 --debug        bun build.ts --help
import { build, image, params, type State, z } from "@drydock/core";

const p = params({
  appVersion: z.string().default("dev").describe("version baked into the image"),
  debug: z.boolean().default(false).describe("keep debug tools in the image"),
  flavor: z.enum(["slim", "full"]).default("slim").describe("what to install"),
});

let app: State = image("busybox:latest")
  .workdir("/app")
  .env("APP_VERSION", p.appVersion)
  .run('echo "$APP_VERSION" > version.txt');

// Plain TypeScript decides which steps exist: no `RUN if [ "$DEBUG" = 1 ]` tricks.
if (p.debug) app = app.mkfile("debug.txt", "debug tools kept\n");
if (p.flavor === "full") app = app.run("echo 'full flavor' > flavor.txt");

await build({
  app: { state: app, image: `drydock-example-params:${p.appVersion}`, description: "the app image" },
  files: { state: app.dir("/app"), output: { type: "local", dest: "out" }, description: "/app, in ./out" },
}, { default: "app" });
