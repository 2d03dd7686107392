// One build for several platforms: the state is a function of the platform.
//   deno run -P build.ts        bun build.ts --platform linux/amd64,linux/arm64
// File steps need no emulation; `run` steps for another architecture need QEMU (binfmt) on the engine.
import { build, image, type Platform } from "@drydock/core";

const app = (platform: Platform) =>
  image("busybox:latest", { platform: `${platform.os}/${platform.architecture}` })
    .mkfile("/platform.txt", `built for ${platform.os}/${platform.architecture}\n`);

await build({
  files: {
    state: app,
    platforms: ["linux/amd64", "linux/arm64"],
    output: { type: "local", dest: "out" },
    description: "a directory per platform, in ./out",
  },
}, { default: "files" });
