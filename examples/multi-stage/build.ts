// Multi-stage to scratch: build in a full image, ship only the result.
//   deno run -P build.ts        bun build.ts
import { build, image, scratch } from "@drydock/core";

// Stage 1 (like `FROM busybox AS builder`): produce the app.
const builder = image("busybox:latest")
  .mkdir("/src")
  .workdir("/src")
  .mkfile("hello.sh", '#!/bin/sh\necho "hello from a scratch image"\n', { mode: 0o755 })
  .run("sh -n hello.sh && mkdir -p /out && cp hello.sh /out/hello");

// Stage 2 (like `FROM scratch` + `COPY --from=builder`): a static shell and the app, nothing else.
const app = scratch()
  .copy(image("busybox:latest"), "/bin/busybox", "/bin/busybox")
  .copy(builder, "/out/hello", "/hello")
  .config({ entrypoint: ["/bin/busybox", "sh", "/hello"] });

await build({
  app: { state: app, image: "drydock-example-multi-stage:latest", description: "the scratch image" },
  files: { state: app, output: { type: "local", dest: "out" }, description: "its files, in ./out" },
}, { default: "app" });
