// A Dockerfile replacement, end to end:
//   deno run -A examples/hello/build.ts        (or: bun examples/hello/build.ts)
import { build, image, local } from "@drydock/core";

// The files next to this build.ts.
const src = local("files");

const hello = image("busybox:latest")
  .workdir("/app")
  .env("GREETING", "hello from drydock")
  .copy(src, ".", ".")
  .run('echo "$GREETING" > greeting.txt && chmod +x hello.sh')
  .config({ cmd: ["./hello.sh"], labels: { "org.opencontainers.image.title": "drydock hello" } });

await build({
  hello: { state: hello, image: "drydock-hello:latest", description: "the hello image" },
  files: {
    state: hello,
    output: { type: "local", dest: "out" },
    description: "the image's files, written to ./out",
  },
}, { default: "hello" });
